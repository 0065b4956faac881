package dev.weft.bench.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The paired rows' 95 % interval of the median must cover the true median about 95 % of the time. */
class MedianIntervalTest {

  @Test
  void coversTheTrueMedianAboutNinetyFivePercentOfTheTime() {
    SplittableRandom random = new SplittableRandom(6);
    for (int n : new int[] {31, 101, 201}) {
      int trials = 4000;
      int covered = 0;
      for (int t = 0; t < trials; t++) {
        double[] sample = new double[n];
        for (int i = 0; i < n; i++) {
          // A skewed spread like the pairs' (a long slow tail): exponential, true median ln 2.
          sample[i] = -Math.log(1 - random.nextDouble());
        }
        Arrays.sort(sample);
        double[] ci = AnalysisBench.medianInterval(sample);
        if (ci[0] <= Math.log(2) && Math.log(2) <= ci[1]) {
          covered++;
        }
      }
      double coverage = covered / (double) trials;
      assertTrue(coverage > 0.93 && coverage < 0.98, "n=" + n + ": coverage " + coverage);
    }
  }

  @Test
  void smallSamplesFallBackToTheirExtremes() {
    assertArrayEquals(new double[] {1, 5}, AnalysisBench.medianInterval(new double[] {1, 2, 3, 4, 5}));
  }
}
