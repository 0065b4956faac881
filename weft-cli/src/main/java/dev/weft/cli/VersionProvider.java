package dev.weft.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports weft's version and the JVM it runs on. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {
        "weft " + (v != null ? v : "0.1.0-SNAPSHOT"),
        "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
            + Runtime.getRuntime().availableProcessors() + " processors"};
  }
}
