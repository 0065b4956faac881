package dev.weft.cli.demo;

import dev.weft.cli.CliContext;
import java.nio.file.Path;

/**
 * One workload's part of {@code weft demo}: runs a short end-to-end showcase on generated sample data
 * under {@code demoDir} and prints what it did and where the outputs are.
 */
public interface DemoStep {
  /** A short title, e.g. "erasure coding". */
  String title();

  void run(CliContext ctx, Path demoDir) throws Exception;
}
