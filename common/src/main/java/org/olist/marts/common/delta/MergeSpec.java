package org.olist.marts.common.delta;

import io.delta.tables.DeltaMergeBuilder;
import java.util.Optional;
import java.util.function.UnaryOperator;
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
}
