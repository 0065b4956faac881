package dev.weft.analysis.adl;

import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.analysis.frame.Col;
import dev.weft.analysis.frame.Collection;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.Event;
import dev.weft.analysis.frame.Items;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.AdlAxis;
import dev.weft.analysis.hist.Histogram;
import dev.weft.runtime.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.LinkedHashSet;

/**
 * The eight ADL benchmark queries of QUERIES.md, booked on a {@link DataFrame}. Booking several queries on
 * one dataframe runs them all in one pass. Histogram ids: {@code q1 … q5, q6-1, q6-2, q7, q8}.
 */
public final class AdlQueries {
  /** Query numbers accepted by {@link #parse}. */
  public static final List<String> QUERIES = List.of("1", "2", "3", "4", "5", "6", "7", "8");
  /** Every histogram id, in order. */
  public static final List<String> HISTOGRAMS = List.of("q1", "q2", "q3", "q4", "q5", "q6-1", "q6-2", "q7", "q8");

  private final DataFrame df;
  private final Col metPt;
  private final Col metPhi;
  private final Collection jets;
  private final Items jetPt;
  private final Items jetEta;
  private final Items jetPhi;
  private final Items jetMass;
  private final Items jetBtag;
  private final Collection muons;
  private final Items muPt;
  private final Items muEta;
  private final Items muPhi;
  private final Items muMass;
  private final Items muCharge;
  private final Collection electrons;
  private final Items elPt;
  private final Items elEta;
  private final Items elPhi;
  private final Items elMass;
  private final Items elCharge;

  private AdlQueries(DataFrame df, SequencedSet<String> queries) {
    this.df = df;
    boolean needMet = queries.contains("1") || queries.contains("4") || queries.contains("5") || queries.contains("8");
    boolean needJets = queries.contains("2") || queries.contains("3") || queries.contains("4")
        || queries.contains("6") || queries.contains("7");
    boolean needLeptons = queries.contains("5") || queries.contains("7") || queries.contains("8");
    // Ask only for the columns the chosen queries read, so the readers decode nothing else.
    metPt = needMet ? df.floatColumn("MET.pt") : null;
    metPhi = queries.contains("8") ? df.floatColumn("MET.phi") : null;
    jets = needJets ? df.collection("Jet") : null;
    jetPt = needJets ? df.floatItems("Jet.pt") : null;
    boolean jetGeometry = queries.contains("3") || queries.contains("6") || queries.contains("7");
    jetEta = jetGeometry ? df.floatItems("Jet.eta") : null;
    jetPhi = queries.contains("6") || queries.contains("7") ? df.floatItems("Jet.phi") : null;
    jetMass = queries.contains("6") ? df.floatItems("Jet.mass") : null;
    jetBtag = queries.contains("6") ? df.floatItems("Jet.btag") : null;
    muons = needLeptons ? df.collection("Muon") : null;
    muPt = needLeptons ? df.floatItems("Muon.pt") : null;
    muEta = needLeptons ? df.floatItems("Muon.eta") : null;
    muPhi = needLeptons ? df.floatItems("Muon.phi") : null;
    muMass = queries.contains("8") ? df.floatItems("Muon.mass") : null;
    muCharge = queries.contains("5") || queries.contains("8") ? df.intItems("Muon.charge") : null;
    boolean needElectrons = queries.contains("7") || queries.contains("8");
    electrons = needElectrons ? df.collection("Electron") : null;
    elPt = needElectrons ? df.floatItems("Electron.pt") : null;
    elEta = needElectrons ? df.floatItems("Electron.eta") : null;
    elPhi = needElectrons ? df.floatItems("Electron.phi") : null;
    elMass = queries.contains("8") ? df.floatItems("Electron.mass") : null;
    elCharge = queries.contains("8") ? df.intItems("Electron.charge") : null;
  }

  /** Every column the eight queries read (for in-memory inputs that must hold them all). */
  public static List<ColumnSpec> columns() {
    java.util.List<ColumnSpec> out = new java.util.ArrayList<>();
    out.add(ColumnSpec.scalar("MET.pt", ColumnType.FLOAT));
    out.add(ColumnSpec.scalar("MET.phi", ColumnType.FLOAT));
    for (String f : List.of("pt", "eta", "phi", "mass", "btag")) {
      out.add(ColumnSpec.jagged("Jet." + f, ColumnType.FLOAT));
    }
    for (String c : List.of("Muon", "Electron")) {
      for (String f : List.of("pt", "eta", "phi", "mass")) {
        out.add(ColumnSpec.jagged(c + "." + f, ColumnType.FLOAT));
      }
      out.add(ColumnSpec.jagged(c + ".charge", ColumnType.INT));
    }
    return List.copyOf(out);
  }

  /** Parses {@code all} or a comma-separated list of query numbers 1..8. */
  public static SequencedSet<String> parse(String spec) {
    SequencedSet<String> out = new LinkedHashSet<>();
    if (spec.equalsIgnoreCase("all")) {
      out.addAll(QUERIES);
      return out;
    }
    for (String s : spec.split(",")) {
      String q = s.trim().toLowerCase(java.util.Locale.ROOT);
      if (q.startsWith("q")) {
        q = q.substring(1);
      }
      if (!QUERIES.contains(q)) {
        throw new UsageException("unknown ADL query '" + s.trim() + "' (use 1..8 or all)");
      }
      out.add(q);
    }
    return out;
  }

  /** Books {@code queries} (numbers "1".."8") on {@code df}; histogram id to its (lazy) result. */
  public static Map<String, Result<Histogram>> book(DataFrame df, SequencedSet<String> queries) {
    AdlQueries a = new AdlQueries(df, queries);
    Map<String, Result<Histogram>> out = new LinkedHashMap<>();
    for (String q : QUERIES) {
      if (queries.contains(q)) {
        a.bookQuery(q, out);
      }
    }
    return out;
  }

  private static AdlAxis axis(double lo, double hi, String title, String unit) {
    return new AdlAxis(lo, hi, 100, title, unit);
  }

  private void bookQuery(String q, Map<String, Result<Histogram>> out) {
    switch (q) {
      case "1" -> out.put("q1", df.histo1D("q1", "Q1: MET of all events",
          axis(0, 2000, "missing transverse energy", "GeV"), metPt));
      case "2" -> out.put("q2", df.histo1D("q2", "Q2: p_T of all jets",
          axis(15, 60, "jet p_T", "GeV"), jetPt));
      case "3" -> out.put("q3", df.histo1D("q3", "Q3: p_T of jets with |eta| < 1",
          axis(15, 60, "jet p_T", "GeV"), jetPt, (e, j) -> Math.abs(e.get(jetEta, j)) < 1));
      case "4" -> out.put("q4", df.filter(this::twoJetsAbove40).histo1D("q4",
          "Q4: MET of events with >= 2 jets with p_T > 40 GeV", axis(0, 2000, "missing transverse energy", "GeV"), metPt));
      case "5" -> out.put("q5", df.filter(this::hasZMuMu).histo1D("q5",
          "Q5: MET of events with an opposite-charge muon pair of mass 60-120 GeV",
          axis(0, 2000, "missing transverse energy", "GeV"), metPt));
      case "6" -> {
        DataFrame three = df.filter(e -> e.count(jets) >= 3);
        Col[] tri = three.define(List.of("q6_pt", "q6_btag"), this::bestTriplet);
        // No triplet with a defined mass (every one NaN) leaves no best triplet: the event is skipped, as
        // "take the one closest to 172.5" has nothing to take (it would otherwise land in overflow).
        DataFrame best = three.filter(e -> !Double.isNaN(e.get(tri[0])));
        out.put("q6-1", best.histo1D("q6-1", "Q6-1: p_T of the jet triplet with mass closest to 172.5 GeV",
            axis(15, 40, "triplet p_T", "GeV"), tri[0]));
        out.put("q6-2", best.histo1D("q6-2", "Q6-2: largest b-tag in that triplet",
            axis(0, 1, "largest b-tag discriminant", ""), tri[1]));
      }
      case "7" -> {
        Col ht = df.define("q7_ht", this::cleanJetHt);
        out.put("q7", df.filter(e -> !Double.isNaN(e.get(ht))).histo1D("q7",
            "Q7: scalar sum of p_T of jets (p_T > 30 GeV) away from leptons (p_T > 10 GeV)",
            axis(15, 200, "H_T", "GeV"), ht));
      }
      case "8" -> {
        DataFrame three = df.filter(e -> e.count(muons) + e.count(electrons) > 2);
        Col mt = three.define("q8_mt", this::leptonTransverseMass);
        out.put("q8", three.filter(e -> !Double.isNaN(e.get(mt))).histo1D("q8",
            "Q8: transverse mass of MET and the leading lepton outside the best Z candidate",
            axis(15, 250, "m_T", "GeV"), mt));
      }
      default -> throw new IllegalArgumentException(q);
    }
  }

  private boolean twoJetsAbove40(Event e) {
    int n = 0;
    for (int j = e.begin(jets); j < e.end(jets); j++) {
      if (e.get(jetPt, j) > 40 && ++n >= 2) {
        return true;
      }
    }
    return false;
  }

  private boolean hasZMuMu(Event e) {
    int b = e.begin(muons);
    int end = e.end(muons);
    for (int i = b; i < end; i++) {
      for (int j = i + 1; j < end; j++) {
        if (e.get(muCharge, i) == e.get(muCharge, j)) {
          continue;
        }
        double m = Kinematics.pairMassMassless(e.get(muPt, i), e.get(muEta, i), e.get(muPhi, i),
            e.get(muPt, j), e.get(muEta, j), e.get(muPhi, j));
        if (m >= 60 && m <= 120) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * out[0] = pt of the triplet with mass closest to 172.5, out[1] = its largest b-tag. Each jet's
   * four-vector is computed once per event, not once per triplet; the sums are formed in the same order
   * as {@link Kinematics.Sum}, so the values are identical.
   */
  private void bestTriplet(Event e, double[] out) {
    int b = e.begin(jets);
    int n = e.end(jets) - b;
    double[] px = new double[n];
    double[] py = new double[n];
    double[] pz = new double[n];
    double[] en = new double[n];
    for (int i = 0; i < n; i++) {
      double pt = e.get(jetPt, b + i);
      double eta = e.get(jetEta, b + i);
      double phi = e.get(jetPhi, b + i);
      double m = e.get(jetMass, b + i);
      px[i] = pt * Math.cos(phi);
      py[i] = pt * Math.sin(phi);
      pz[i] = pt * Math.sinh(eta);
      double pcosh = pt * Math.cosh(eta);
      en[i] = Math.sqrt(pcosh * pcosh + m * m);
    }
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        for (int k = j + 1; k < n; k++) {
          double sx = px[i] + px[j] + px[k];
          double sy = py[i] + py[j] + py[k];
          double sz = pz[i] + pz[j] + pz[k];
          double se = en[i] + en[j] + en[k];
          double d = Math.abs(Math.sqrt(se * se - sx * sx - sy * sy - sz * sz) - 172.5);
          if (d < best) {
            best = d;
            out[0] = Math.hypot(sx, sy);
            out[1] = Math.max(e.get(jetBtag, b + i), Math.max(e.get(jetBtag, b + j), e.get(jetBtag, b + k)));
          }
        }
      }
    }
  }

  /** Scalar pt sum of jets with pt > 30 not within delta_R 0.4 of a lepton with pt > 10; NaN if none. */
  private double cleanJetHt(Event e) {
    double ht = 0;
    boolean any = false;
    for (int j = e.begin(jets); j < e.end(jets); j++) {
      double pt = e.get(jetPt, j);
      if (pt <= 30) {
        continue;
      }
      double eta = e.get(jetEta, j);
      double phi = e.get(jetPhi, j);
      if (nearLepton(e, eta, phi, muons, muPt, muEta, muPhi) || nearLepton(e, eta, phi, electrons, elPt, elEta, elPhi)) {
        continue;
      }
      ht += pt;
      any = true;
    }
    return any ? ht : Double.NaN;
  }

  private static boolean nearLepton(Event e, double eta, double phi, Collection c, Items pt, Items leta, Items lphi) {
    for (int l = e.begin(c); l < e.end(c); l++) {
      if (e.get(pt, l) > 10 && Kinematics.deltaR(eta, phi, e.get(leta, l), e.get(lphi, l)) < 0.4) {
        return true;
      }
    }
    return false;
  }

  /**
   * Query 8 for an event with more than two leptons: the same-flavour opposite-charge pair with mass
   * closest to 91.2 GeV, then the highest-pt lepton outside it, then its transverse mass with MET; NaN
   * when there is no such pair. Muons are examined before electrons, pairs in index order; ties keep the
   * first found.
   */
  private double leptonTransverseMass(Event e) {
    double best = Double.POSITIVE_INFINITY;
    int bestA = -1;
    int bestB = -1;
    boolean bestMuons = false;
    for (int flavour = 0; flavour < 2; flavour++) {
      boolean mu = flavour == 0;
      Collection c = mu ? muons : electrons;
      Items pt = mu ? muPt : elPt;
      Items eta = mu ? muEta : elEta;
      Items phi = mu ? muPhi : elPhi;
      Items mass = mu ? muMass : elMass;
      Items charge = mu ? muCharge : elCharge;
      for (int i = e.begin(c); i < e.end(c); i++) {
        for (int j = i + 1; j < e.end(c); j++) {
          if (e.get(charge, i) == e.get(charge, j)) {
            continue;
          }
          double m = new Kinematics.Sum()
              .add(e.get(pt, i), e.get(eta, i), e.get(phi, i), e.get(mass, i))
              .add(e.get(pt, j), e.get(eta, j), e.get(phi, j), e.get(mass, j)).mass();
          double d = Math.abs(m - 91.2);
          if (d < best) {
            best = d;
            bestA = i;
            bestB = j;
            bestMuons = mu;
          }
        }
      }
    }
    if (bestA < 0) {
      return Double.NaN;
    }
    double leadPt = Double.NEGATIVE_INFINITY;
    double leadPhi = Double.NaN;
    for (int flavour = 0; flavour < 2; flavour++) {
      boolean mu = flavour == 0;
      Collection c = mu ? muons : electrons;
      for (int i = e.begin(c); i < e.end(c); i++) {
        if (mu == bestMuons && (i == bestA || i == bestB)) {
          continue;
        }
        double pt = e.get(mu ? muPt : elPt, i);
        if (pt > leadPt) {
          leadPt = pt;
          leadPhi = e.get(mu ? muPhi : elPhi, i);
        }
      }
    }
    return Kinematics.transverseMass(e.get(metPt), e.get(metPhi), leadPt, leadPhi);
  }
}
