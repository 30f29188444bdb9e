package org.olist.marts.common.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content digests (SHA-256, which every JVM has): of a source file's bytes, of a rule's text, of a set's states. */
public final class Digests {
  private Digests() {
  }

  /** A new SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot digest: this JVM has no SHA-256", e);
    }
  }

  /** The first {@code bytes} bytes of the SHA-256 of {@code text} (UTF-8), in hex. */
  public static String sha256Hex(String text, int bytes) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
  }
}
