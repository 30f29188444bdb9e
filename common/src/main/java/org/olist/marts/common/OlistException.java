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
}
