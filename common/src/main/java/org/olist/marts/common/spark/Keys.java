package org.olist.marts.common.spark;

import java.util.List;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Join keys as the Scala {@code Seq} that {@code Dataset.join(other, usingColumns, type)} expects. */
public final class Keys {
  private Keys() {
  }

  public static Seq<String> of(String... columns) {
    return CollectionConverters.asScala(List.of(columns)).toSeq();
  }
}
