package dev.weft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code ./weft} (QA item U16), run on a copy of itself with a stand-in {@code mvn}
 * that records its calls and "builds" where it is told, and a stand-in JDK: it must build outside
 * {@code target/} (where a concurrent {@code mvn verify} works), and rebuild for main sources only.
 */
class LauncherTest {
  @TempDir
  Path dir;

  private Path root;
  private Path tools;
  private Path mvnLog;

  private static void script(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @BeforeEach
  void fakeCheckout() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.isExecutable(Path.of("/usr/bin/flock")),
        "needs bash and flock");
    Path real = Path.of("..").toAbsolutePath().normalize();
    root = dir.resolve("checkout");
    Files.createDirectories(root.resolve("scripts"));
    Files.copy(real.resolve("weft"), root.resolve("weft"));
    Files.copy(real.resolve("scripts/find-jdk25.sh"), root.resolve("scripts/find-jdk25.sh"));
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Files.createDirectories(root.resolve("weft-cli/src/main/java"));
    Files.writeString(root.resolve("weft-cli/src/main/java/A.java"), "class A {}");
    Files.createDirectories(root.resolve("weft-cli/src/test/java"));
    Files.writeString(root.resolve("weft-cli/src/test/java/ATest.java"), "class ATest {}");

    tools = dir.resolve("tools");
    mvnLog = dir.resolve("mvn.log");
    Files.createFile(mvnLog);
    // mvn: logs its arguments, puts a jar where the build directory (-Dweft.build.dir, else target) says.
    script(tools.resolve("bin/mvn"), """
        #!/bin/sh
        echo "$*" >> "$MVN_LOG"
        dir=target; pom=
        for a; do case "$a" in -Dweft.build.dir=*) dir="${a#-Dweft.build.dir=}" ;; */pom.xml) pom="$a" ;; esac; done
        root=$(dirname "$pom")
        mkdir -p "$root/weft-cli/$dir" && echo jar > "$root/weft-cli/$dir/weft.jar"
        """);
    // A JDK 25 to find-jdk25.sh; running a jar prints which one.
    script(tools.resolve("jdk/bin/java"), """
        #!/bin/sh
        if [ "$1" = "-version" ]; then echo 'openjdk version "25.0.1" 2026-01-20 LTS' >&2; exit 0; fi
        for a; do case "$a" in *.jar) echo "ran $a" ;; esac; done
        """);
    script(tools.resolve("jdk/bin/javac"), "#!/bin/sh\n");
  }

  private String launch() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", root.resolve("weft").toString(), "--version");
    pb.environment().put("JAVA_HOME", tools.resolve("jdk").toString());
    pb.environment().put("PATH", tools.resolve("bin") + ":" + System.getenv("PATH"));
    pb.environment().put("MVN_LOG", mvnLog.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  private List<String> builds() throws IOException {
    return Files.readAllLines(mvnLog);
  }

  private static void touchLater(Path p) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(5)));
  }

  @Test
  void buildsOutsideTargetAndRunsItsOwnCopy() throws Exception {
    String out = launch();
    assertEquals(1, builds().size(), out);
    assertFalse(Files.exists(root.resolve("weft-cli/target")),
        "the launcher built into target/, where a concurrent mvn verify replaces the same jar");
    String ran = out.lines().filter(l -> l.startsWith("ran ")).findFirst().orElseThrow(() -> new AssertionError(out));
    assertFalse(ran.contains("/target/"), ran);
    assertTrue(Files.isRegularFile(Path.of(ran.substring(4))), ran);
    launch();
    assertEquals(1, builds().size(), "nothing changed: no rebuild");
  }

  @Test
  void rebuildsForMainSourcesButNotForTests() throws Exception {
    launch();
    touchLater(root.resolve("weft-cli/src/test/java/ATest.java"));
    launch();
    assertEquals(1, builds().size(), "a test source is not in the jar: no rebuild");
    touchLater(root.resolve("weft-cli/src/main/java/A.java"));
    launch();
    assertEquals(2, builds().size(), "a main source changed: rebuild");
  }
}
