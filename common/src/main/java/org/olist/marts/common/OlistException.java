package org.olist.marts.common;

/**
 * An error the operator can act on (bad input, bad configuration, broken contract). Jobs report its
 * message alone, without a stack trace, and exit non-zero.
 */
public class OlistException extends RuntimeException {
  public OlistException(String message) {
    super(message);
  }

  public OlistException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The innermost cause of {@code e}, as its class and message: what actually went wrong. */
  public static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
