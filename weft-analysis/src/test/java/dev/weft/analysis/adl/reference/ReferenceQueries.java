package dev.weft.analysis.adl.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The eight ADL benchmark queries (nine histograms) as a plain loop over the JSON-lines events, written
 * straight from {@code QUERIES.md} and deliberately sharing nothing with the columnar engine: Jackson's
 * tree model, one event at a time, one histogram per query as a map from bin centre to count. It is the
 * oracle the engine's results are compared against, so it favours obviousness over speed.
 */
public final class ReferenceQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The query keys in output order; query 6 gives two histograms. */
  public static final List<String> KEYS = List.of("q1", "q2", "q3", "q4", "q5", "q6-1", "q6-2", "q7", "q8");

  private ReferenceQueries() {}

  /** Runs every query over {@code jsonl}; each histogram maps a non-empty bin's centre to its count. */
  public static Map<String, SortedMap<Double, Long>> run(Path jsonl) {
    Map<String, SortedMap<Double, Long>> out = new LinkedHashMap<>();
    KEYS.forEach(k -> out.put(k, new TreeMap<>()));
    try (BufferedReader in = Files.newBufferedReader(jsonl)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode event;
        try {
          event = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalArgumentException(jsonl + " line " + lineNo + ": not JSON: " + e.getOriginalMessage(), e);
        }
        fillEvent(event, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** {@code x,y} CSV with a header, one line per non-empty bin in ascending bin centre. */
  public static String csv(SortedMap<Double, Long> histogram) {
    StringBuilder sb = new StringBuilder("x,y\n");
    histogram.forEach((x, y) -> sb.append(x).append(',').append(y).append('\n'));
    return sb.toString();
  }

  /** Writes {@code qK.csv} for every query: {@code ReferenceQueries INPUT.jsonl OUTDIR}. */
  public static void main(String[] args) throws IOException {
    Path input = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    for (Map.Entry<String, SortedMap<Double, Long>> e : run(input).entrySet()) {
      Files.writeString(dir.resolve(e.getKey() + ".csv"), csv(e.getValue()));
    }
  }

  // ---- the queries, one event at a time ----

  private static void fillEvent(JsonNode ev, Map<String, SortedMap<Double, Long>> h) {
    double metPt = ev.get("MET").get("pt").asDouble();
    double metPhi = ev.get("MET").get("phi").asDouble();
    List<Particle> jets = particles(ev.get("Jet"), Flavour.JET);
    List<Particle> muons = particles(ev.get("Muon"), Flavour.MUON);
    List<Particle> electrons = particles(ev.get("Electron"), Flavour.ELECTRON);

    // Q1: MET of every event.
    fill(h.get("q1"), metPt, 0, 2000, 100);

    // Q2, Q3: every jet's pt; Q3 only central jets.
    for (Particle j : jets) {
      fill(h.get("q2"), j.pt, 15, 60, 100);
      if (Math.abs(j.eta) < 1) {
        fill(h.get("q3"), j.pt, 15, 60, 100);
      }
    }

    // Q4: MET of events with at least two jets above 40 GeV.
    int hardJets = 0;
    for (Particle j : jets) {
      if (j.pt > 40) {
        hardJets++;
      }
    }
    if (hardJets >= 2) {
      fill(h.get("q4"), metPt, 0, 2000, 100);
    }

    // Q5: MET of events with an opposite-charge muon pair of mass in [60, 120], mass by the query's formula.
    boolean zLike = false;
    for (int a = 0; a < muons.size() && !zLike; a++) {
      for (int b = a + 1; b < muons.size() && !zLike; b++) {
        Particle m1 = muons.get(a);
        Particle m2 = muons.get(b);
        if (m1.charge != m2.charge) {
          double mass = Math.sqrt(2 * m1.pt * m2.pt * (Math.cosh(m1.eta - m2.eta) - Math.cos(m1.phi - m2.phi)));
          zLike = mass >= 60 && mass <= 120;
        }
      }
    }
    if (zLike) {
      fill(h.get("q5"), metPt, 0, 2000, 100);
    }

    // Q6: the jet triplet whose mass is closest to 172.5; its pt and its largest btag.
    if (jets.size() >= 3) {
      double bestDistance = Double.POSITIVE_INFINITY;
      double bestPt = Double.NaN;
      double bestBtag = Double.NaN;
      for (int a = 0; a < jets.size(); a++) {
        for (int b = a + 1; b < jets.size(); b++) {
          for (int c = b + 1; c < jets.size(); c++) {
            FourVector sum = jets.get(a).p4().plus(jets.get(b).p4()).plus(jets.get(c).p4());
            double distance = Math.abs(sum.mass() - 172.5);
            if (distance < bestDistance) { // first triplet wins ties; a NaN mass never wins
              bestDistance = distance;
              bestPt = sum.pt();
              bestBtag = Math.max(jets.get(a).btag, Math.max(jets.get(b).btag, jets.get(c).btag));
            }
          }
        }
      }
      if (bestDistance < Double.POSITIVE_INFINITY) {
        fill(h.get("q6-1"), bestPt, 15, 40, 100);
        fill(h.get("q6-2"), bestBtag, 0, 1, 100);
      }
    }

    // Q7: scalar sum of pt of jets above 30 GeV away (delta R >= 0.4) from every lepton above 10 GeV.
    List<Particle> leptons10 = new ArrayList<>();
    for (Particle l : muons) {
      if (l.pt > 10) {
        leptons10.add(l);
      }
    }
    for (Particle l : electrons) {
      if (l.pt > 10) {
        leptons10.add(l);
      }
    }
    double sumPt = 0;
    int cleanJets = 0;
    for (Particle j : jets) {
      if (j.pt <= 30) {
        continue;
      }
      boolean near = false;
      for (Particle l : leptons10) {
        if (deltaR(j, l) < 0.4) {
          near = true;
          break;
        }
      }
      if (!near) {
        sumPt += j.pt;
        cleanJets++;
      }
    }
    if (cleanJets > 0) {
      fill(h.get("q7"), sumPt, 15, 200, 100);
    }

    // Q8: > 2 leptons; the same-flavour opposite-charge pair closest to the Z mass; the hardest other
    // lepton's transverse mass with MET.
    List<Particle> leptons = new ArrayList<>(muons);
    leptons.addAll(electrons);
    if (leptons.size() > 2) {
      int pairA = -1;
      int pairB = -1;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int a = 0; a < leptons.size(); a++) {
        for (int b = a + 1; b < leptons.size(); b++) {
          Particle l1 = leptons.get(a);
          Particle l2 = leptons.get(b);
          if (l1.flavour == l2.flavour && l1.charge != l2.charge) {
            double distance = Math.abs(l1.p4().plus(l2.p4()).mass() - 91.2);
            if (distance < bestDistance) {
              bestDistance = distance;
              pairA = a;
              pairB = b;
            }
          }
        }
      }
      if (pairA >= 0) {
        Particle hardest = null;
        for (int i = 0; i < leptons.size(); i++) {
          if (i != pairA && i != pairB && (hardest == null || leptons.get(i).pt > hardest.pt)) {
            hardest = leptons.get(i);
          }
        }
        double mt = Math.sqrt(2 * metPt * hardest.pt * (1 - Math.cos(deltaPhi(metPhi, hardest.phi))));
        fill(h.get("q8"), mt, 15, 250, 100);
      }
    }
  }

  // ---- histogram convention and kinematics, as QUERIES.md states them ----

  /** The bin centre of {@code v}: under/overflow at {@code lo - w/2} / {@code hi + w/2}, else the odd {@code lo mod w} grid. */
  static double binCentre(double v, double lo, double hi, int n) {
    double w = (hi - lo) / n;
    if (v < lo) {
      return lo - w / 2;
    }
    if (v > hi) {
      return hi + w / 2;
    }
    double offset = lo % w; // Java's % on doubles is C fmod
    return Math.floor((v - offset) / w) * w + offset + w / 2;
  }

  private static void fill(SortedMap<Double, Long> h, double v, double lo, double hi, int n) {
    h.merge(binCentre(v, lo, hi, n), 1L, Long::sum);
  }

  /** {@code ((a - b + pi) fmod 2pi) - pi}, fmod keeping the dividend's sign. */
  static double deltaPhi(double a, double b) {
    return ((a - b + Math.PI) % (2 * Math.PI)) - Math.PI;
  }

  static double deltaR(Particle p, Particle q) {
    double dEta = p.eta - q.eta;
    double dPhi = deltaPhi(p.phi, q.phi);
    return Math.sqrt(dEta * dEta + dPhi * dPhi);
  }

  enum Flavour { JET, MUON, ELECTRON }

  record Particle(double pt, double eta, double phi, double mass, int charge, double btag, Flavour flavour) {
    FourVector p4() {
      double px = pt * Math.cos(phi);
      double py = pt * Math.sin(phi);
      double pz = pt * Math.sinh(eta);
      double ptCoshEta = pt * Math.cosh(eta);
      double e = Math.sqrt(ptCoshEta * ptCoshEta + mass * mass);
      return new FourVector(px, py, pz, e);
    }
  }

  record FourVector(double px, double py, double pz, double e) {
    FourVector plus(FourVector o) {
      return new FourVector(px + o.px, py + o.py, pz + o.pz, e + o.e);
    }

    double mass() {
      return Math.sqrt(e * e - px * px - py * py - pz * pz);
    }

    double pt() {
      return Math.hypot(px, py);
    }
  }

  private static List<Particle> particles(JsonNode array, Flavour flavour) {
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("event without a " + flavour + " array");
    }
    List<Particle> out = new ArrayList<>();
    for (JsonNode p : array) {
      out.add(new Particle(p.get("pt").asDouble(), p.get("eta").asDouble(), p.get("phi").asDouble(),
          p.get("mass").asDouble(), p.path("charge").asInt(0), p.path("btag").asDouble(Double.NaN), flavour));
    }
    return out;
  }
}
