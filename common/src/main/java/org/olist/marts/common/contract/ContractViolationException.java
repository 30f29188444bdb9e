package org.olist.marts.common.contract;

import org.olist.marts.common.OlistException;

/** A DataFrame does not match its table's contract; nothing was written. */
public class ContractViolationException extends OlistException {
  public ContractViolationException(String message) {
    super(message);
  }
}
