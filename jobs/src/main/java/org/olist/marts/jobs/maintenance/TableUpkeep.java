package org.olist.marts.jobs.maintenance;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.olist.marts.common.catalog.TableModel;
import org.olist.marts.common.delta.TableMaintenance.Files;

/**
 * What the maintain job did to one table: its row of {@code audit/maintenance_runs}, in the catalog's column
 * order, and the one summary line it logs.
 */
record TableUpkeep(String runId, String table, Instant start, long millis, Optional<String> compaction,
                   Optional<Long> compactionVersion, Files before, Files after, Files storageBeforeVacuum,
                   Files storageAfterVacuum, boolean checkpointed, Optional<String> note) {

  long filesVacuumed() {
    return storageBeforeVacuum.files() - storageAfterVacuum.files();
  }

  long bytesVacuumed() {
    return storageBeforeVacuum.bytes() - storageAfterVacuum.bytes();
  }

  Row toRow(TableModel model) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("run_id", runId);
    values.put("table_name", table);
    values.put("started_at", Timestamp.from(start));
    values.put("duration_ms", millis);
    values.put("compaction", compaction.orElse(null));
    values.put("compaction_version", compactionVersion.orElse(null));
    values.put("files_before", before.files());
    values.put("bytes_before", before.bytes());
    values.put("files_after", after.files());
    values.put("bytes_after", after.bytes());
    values.put("storage_files_before_vacuum", storageBeforeVacuum.files());
    values.put("files_vacuumed", filesVacuumed());
    values.put("bytes_vacuumed", bytesVacuumed());
    values.put("checkpointed", checkpointed);
    values.put("note", note.orElse(null));
    return RowFactory.create(model.columns().stream().map(c -> values.get(c.name())).toArray());
  }

  @Override
  public String toString() {
    return table + ": " + before.files() + " files (" + before.bytes() + " bytes) -> " + after.files() + " files ("
        + after.bytes() + " bytes)" + compactionVersion.map(v -> ", compacted in version " + v).orElse("")
        + ", vacuum removed " + filesVacuumed() + " files (" + bytesVacuumed() + " bytes)"
        + (checkpointed ? ", checkpointed" : "") + " in " + millis + " ms" + note.map(n -> " (" + n + ")").orElse("");
  }
}
