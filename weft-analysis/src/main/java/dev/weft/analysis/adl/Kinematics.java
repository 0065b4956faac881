package dev.weft.analysis.adl;

/** The kinematics of QUERIES.md, in double precision. Angles in radians, energies and momenta in GeV. */
public final class Kinematics {
  private static final double TWO_PI = 2 * Math.PI;

  private Kinematics() {}

  /** {@code ((a - b + pi) fmod 2pi) - pi} with C fmod (the sign of the dividend), as QUERIES.md says. */
  public static double deltaPhi(double a, double b) {
    return ((a - b + Math.PI) % TWO_PI) - Math.PI;
  }

  public static double deltaR(double eta1, double phi1, double eta2, double phi2) {
    double deta = eta1 - eta2;
    double dphi = deltaPhi(phi1, phi2);
    return Math.sqrt(deta * deta + dphi * dphi);
  }

  /** A four-vector sum being accumulated; mutable, one per computation. */
  public static final class Sum {
    double px;
    double py;
    double pz;
    double e;

    public Sum add(double pt, double eta, double phi, double mass) {
      px += pt * Math.cos(phi);
      py += pt * Math.sin(phi);
      pz += pt * Math.sinh(eta);
      double pcosh = pt * Math.cosh(eta);
      e += Math.sqrt(pcosh * pcosh + mass * mass);
      return this;
    }

    public double mass() {
      return Math.sqrt(e * e - px * px - py * py - pz * pz);
    }

    public double pt() {
      return Math.hypot(px, py);
    }
  }

  /** The dimuon mass formula of query 5: {@code sqrt(2 pt1 pt2 (cosh(eta1 - eta2) - cos(phi1 - phi2)))}. */
  public static double pairMassMassless(double pt1, double eta1, double phi1, double pt2, double eta2, double phi2) {
    return Math.sqrt(2 * pt1 * pt2 * (Math.cosh(eta1 - eta2) - Math.cos(phi1 - phi2)));
  }

  /** Transverse mass of a lepton with MET: {@code sqrt(2 MET pt (1 - cos(delta_phi(MET.phi, phi))))}. */
  public static double transverseMass(double metPt, double metPhi, double pt, double phi) {
    return Math.sqrt(2 * metPt * pt * (1 - Math.cos(deltaPhi(metPhi, phi))));
  }
}
