package org.olist.marts.jobs.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.quarter;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.year;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** {@code dim_date} (Type 0): one row per day of the configured range, ISO weekdays (1 = Monday). */
public final class DimDate {
  public static final String DATE_SK = "date_sk";
  public static final String DATE_DAY = "date_day";

  private DimDate() {
  }

  /** yyyymmdd as an int, the key of a date column. */
  public static Column dateKey(Column date) {
    return year(date).multiply(10000).plus(month(date).multiply(100)).plus(dayofmonth(date));
  }

  public static Dataset<Row> build(SparkSession spark, LocalDate start, LocalDate end) {
    Column day = col(DATE_DAY);
    Column isoDayOfWeek = dayofweek(day).plus(5).mod(7).plus(1);
    return spark.range(1)
        .select(explode(sequence(to_date(lit(start.toString())), to_date(lit(end.toString())))).alias(DATE_DAY))
        .select(
            dateKey(day).alias(DATE_SK),
            day,
            year(day).alias("year"),
            quarter(day).alias("quarter"),
            concat(lit("Q"), quarter(day).cast(DataTypes.StringType)).alias("quarter_name"),
            month(day).alias("month"),
            date_format(day, "MMMM").alias("month_name"),
            date_format(day, "yyyy-MM").alias("year_month"),
            year(day).multiply(100).plus(month(day)).alias("year_month_sort"),
            isoDayOfWeek.alias("day_of_week"),
            date_format(day, "EEEE").alias("day_name"),
            isoDayOfWeek.geq(6).alias("is_weekend"));
  }
}
