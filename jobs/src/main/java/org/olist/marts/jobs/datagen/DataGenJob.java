package org.olist.marts.jobs.datagen;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.olist.marts.common.OlistException;
import org.olist.marts.common.config.JobOptions;
import org.olist.marts.common.job.JobContext;
import org.olist.marts.common.job.JobMain;
import org.olist.marts.common.job.OlistJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the nine Olist files at a scale factor (SPEC §9), generated in parallel with Spark and concatenated
 * into the fixed file names. Options: {@code --scale SF --seed N --out DIR [--as-of yyyy-MM-dd]}.
 */
public final class DataGenJob extends OlistJob {
  public static final String NAME = "generate-data";
  public static final Set<String> OPTIONS = Set.of("--scale", "--seed", "--out", "--as-of");
  private static final Logger LOG = LoggerFactory.getLogger(DataGenJob.class);
  private static final long ROWS_PER_PARTITION = 100_000;

  private final double scale;
  private final long seed;
  private final String out;
  private final LocalDate asOf;
  private final long rowsPerPartition;

  public DataGenJob(double scale, long seed, String out, LocalDate asOf) {
    this(scale, seed, out, asOf, ROWS_PER_PARTITION);
  }

  /** With the generator's source rows per Spark partition chosen: tests write small inputs both ways. */
  DataGenJob(double scale, long seed, String out, LocalDate asOf, long rowsPerPartition) {
    if (scale <= 0) {
      throw new OlistException("Cannot generate data: --scale must be > 0, got " + scale);
    }
    this.scale = scale;
    this.seed = seed;
    this.out = out;
    this.asOf = asOf;
    this.rowsPerPartition = rowsPerPartition;
  }

  public static DataGenJob fromOptions(JobOptions options) {
    return new DataGenJob(options.decimal("--scale", 0.01), options.integer("--seed", 42),
        options.required("--out", "DIR"), options.date("--as-of").orElse(null));
  }

  public static void main(String[] args) {
    System.exit(JobMain.execute(NAME, args, OPTIONS, DataGenJob::fromOptions));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected boolean audited() {
    return false;
  }

  @Override
  protected void execute(JobContext ctx) {
    generate(ctx.spark());
  }

  /** Writes the nine files under {@code out}; returns nothing, logs one line per file. */
  public void generate(SparkSession spark) {
    OlistGenerator gen = new OlistGenerator(scale, seed, asOf);
    LOG.info("Generating Olist data: scale {}, seed {}, as of {}: {} orders, {} products, {} sellers into {}",
        scale, seed, asOf == null ? "end" : asOf, gen.orders(), gen.products(), gen.sellers(), out);
    write(spark, "olist_orders_dataset.csv", OlistGenerator.ORDERS_HEADER, gen.orders(), gen::orderLines);
    write(spark, "olist_order_items_dataset.csv", OlistGenerator.ITEMS_HEADER, gen.orders(), gen::itemLines);
    write(spark, "olist_customers_dataset.csv", OlistGenerator.CUSTOMERS_HEADER, gen.orders(), gen::customerLines);
    write(spark, "olist_order_payments_dataset.csv", OlistGenerator.PAYMENTS_HEADER, gen.orders(),
        gen::paymentLines);
    write(spark, "olist_order_reviews_dataset.csv", OlistGenerator.REVIEWS_HEADER, gen.orders(), gen::reviewLines);
    write(spark, "olist_products_dataset.csv", OlistGenerator.PRODUCTS_HEADER, gen.products(), gen::productLines);
    write(spark, "olist_sellers_dataset.csv", OlistGenerator.SELLERS_HEADER, gen.sellers(), gen::sellerLines);
    write(spark, "olist_geolocation_dataset.csv", OlistGenerator.GEO_HEADER, gen.geoRows(), gen::geolocationLines);
    writeBytes(spark, "product_category_name_translation.csv",
        OlistGenerator.translationFile().getBytes(StandardCharsets.UTF_8));
  }

  /** Lines of one index; serializable so that executors can run it. */
  public interface LineSource extends Serializable {
    List<String> lines(long index);
  }

  /**
   * One file: a source small enough for one partition streams its lines to the driver and into the file; a
   * larger one is written in parallel into a temporary directory whose parts are then concatenated in order.
   * Both give the same bytes. The direct path matters on object stores, where a Spark output directory costs a
   * commit protocol and directory deletes (S3Proxy's filesystem backend stalls seconds on each).
   */
  private void write(SparkSession spark, String file, List<String> header, long count, LineSource source) {
    int partitions = (int) Math.max(1, Math.min(512, count / rowsPerPartition));
    FlatMapFunction<Long, String> f = index -> source.lines(index).iterator();
    Dataset<String> lines = spark.range(0, count, 1, partitions).flatMap(f, Encoders.STRING());
    Path tmp = new Path(out + "/_tmp_" + file);
    if (partitions > 1) {
      lines.write().mode(SaveMode.Overwrite).option("lineSep", "\n").text(tmp.toString());
    }
    writeFile(spark, file, os -> {
      os.write((CsvFormat.header(header) + "\n").getBytes(StandardCharsets.UTF_8));
      if (partitions == 1) {
        Iterator<String> it = lines.toLocalIterator();
        while (it.hasNext()) {
          os.write((it.next() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      FileSystem fs = tmp.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] parts = fs.globStatus(new Path(tmp, "part-*"));
      Arrays.sort(parts, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      for (FileStatus part : parts) {
        try (InputStream in = fs.open(part.getPath())) {
          in.transferTo(os);
        }
      }
      fs.delete(tmp, true);
    });
  }

  private void writeBytes(SparkSession spark, String file, byte[] content) {
    writeFile(spark, file, os -> os.write(content));
  }

  /** What goes into one file's stream. */
  private interface Content {
    void writeTo(OutputStream os) throws IOException;
  }

  private void writeFile(SparkSession spark, String file, Content content) {
    try {
      Path target = new Path(out + "/" + file);
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.setWriteChecksum(false);
      try (OutputStream os = new BufferedOutputStream(fs.create(target, true), 1 << 16)) {
        content.writeTo(os);
      }
      LOG.info("Wrote {} ({} bytes)", target, fs.getFileStatus(target).getLen());
    } catch (IOException e) {
      throw new OlistException("Cannot write generated file " + out + "/" + file + ": " + e.getMessage(), e);
    }
  }
}
