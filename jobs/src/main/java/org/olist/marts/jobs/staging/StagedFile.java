package org.olist.marts.jobs.staging;

import java.util.Map;
import org.olist.marts.common.audit.Details;
import org.olist.marts.jobs.warehouse.AuditDetail;

/**
 * What staging counted in one source file, recorded with its staged table: the file's records counted
 * independently of the parser, what the parser read, and where the difference went (SPEC §10).
 *
 * @param rawRows the file's records, counted from its lines
 * @param quarantined rows that could not be typed, swallowed records and every version of a conflicting key
 */
public record StagedFile(String sourceFile, long rawRows, long parserRecords, long quarantined, long exactDuplicates,
                         long conflictingKeyRows) implements Details {
  @Override
  public Map<String, String> asMap() {
    return Details.of(AuditDetail.SOURCE_FILE, sourceFile, AuditDetail.RAW_ROWS, rawRows,
        AuditDetail.PARSER_RECORDS, parserRecords, AuditDetail.QUARANTINED, quarantined,
        AuditDetail.EXACT_DUPLICATES, exactDuplicates, AuditDetail.CONFLICTING_KEY_ROWS, conflictingKeyRows);
  }

  /** The quarantine table's row: which source its rejected rows came from. */
  public record Quarantine(String source) implements Details {
    @Override
    public Map<String, String> asMap() {
      return Details.of(AuditDetail.SOURCE, source);
    }
  }
}
