package dev.weft.store.oci;

import dev.weft.runtime.UsageException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** composefs-rs's names for OCI streams and refs. */
public final class OciNames {
  public static final String REF_PREFIX = "oci/";

  private OciNames() {}

  public static String layerStream(String diffId) {
    return "oci-layer-" + diffId;
  }

  public static String configStream(String digest) {
    return "oci-config-" + digest;
  }

  public static String manifestStream(String digest) {
    return "oci-manifest-" + digest;
  }

  /** The ref of an image name: {@code oci/<name>} with '/' (and other unsafe bytes) percent-encoded. */
  public static String ref(String name) {
    // "" and "." would make the ref the directory streams/refs/oci itself (".." is refused as a path).
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new UsageException("bad image name '" + name + "': give a name such as app:1.0");
    }
    return REF_PREFIX + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%3A", ":").replace("+", "%20");
  }

  /**
   * The ref a new image is stored under: as {@link #ref}, and the name may not start with '.'. OCI names
   * never do, and the repository treats names starting with {@code .tmp-} as leftovers of a killed write,
   * which {@code weft gc} removes: an image named so would vanish from {@code oci ls} and then be collected.
   */
  public static String newRef(String name) {
    if (name.startsWith(".")) {
      throw new UsageException("bad image name '" + name + "': a name may not start with '.'; give a name such as app:1.0");
    }
    return ref(name);
  }

  /** The image name of a ref under {@code oci/}. */
  public static String name(String ref) {
    return URLDecoder.decode(ref.substring(REF_PREFIX.length()), StandardCharsets.UTF_8);
  }
}
