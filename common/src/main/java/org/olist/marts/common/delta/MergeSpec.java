package org.olist.marts.common.delta;

import io.delta.tables.DeltaMergeBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A MERGE into a Delta table (target alias {@code t}, source alias {@code s}), as {@link DeltaTables#merge} runs
 * it: the clauses are Delta's own merge builder, so any MERGE Delta can express can go through the one door.
 *
 * @param source rows to merge
 * @param condition the join condition
 * @param clauses adds the when-matched / not-matched / not-matched-by-source clauses
 * @param userMetadata kept with the commit (the fact's high-water mark, say)
 * @param sourceMaterialized the source is a checkpoint already, so Delta need not copy it again
 */
public record MergeSpec(Dataset<Row> source, String condition, UnaryOperator<DeltaMergeBuilder> clauses,
                        Optional<String> userMetadata, boolean sourceMaterialized) {
  /**
   * An upsert on {@code key}: a matched row that differs in another column ({@code <=>}: a null equals a null) is
   * updated, a new key inserted; a row equal to the table's is not touched, so the table's change feed holds only
   * what changed (the rls job follows it: an update of every member would make it derive every copy again).
   */
  public static MergeSpec upsert(Dataset<Row> source, String key) {
    List<String> others = Arrays.stream(source.columns()).filter(c -> !c.equals(key)).toList();
    String differs = others.stream().map(c -> "t.`" + c + "` <=> s.`" + c + "`")
        .collect(Collectors.joining(" AND ", "NOT (", ")"));
    return new MergeSpec(source, "t.`" + key + "` = s.`" + key + "`",
        b -> (others.isEmpty() ? b : b.whenMatched(differs).updateAll()).whenNotMatched().insertAll(),
        Optional.empty(), false);
  }
}
