package org.olist.marts.jobs.staging;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.olist.marts.common.OlistException;

/** An input that is a file, or no path at all, is named as such, not as nine missing files. */
class InputLocationTest {
  @TempDir
  Path dir;

  @Test
  void aFileIsNotADirectory() throws IOException {
    Path file = Files.writeString(dir.resolve("olist_orders_dataset.csv"), "order_id\n");
    OlistException e = assertThrows(OlistException.class,
        () -> StagingJob.requireDirectory(file.toString(), new Configuration()));
    assertTrue(e.getMessage().equals("Cannot stage: the input " + file + " is a file, not a directory (set --input "
        + "to the folder holding the Olist CSV files)"), e.getMessage());
  }

  @Test
  void aWrongPathDoesNotExist() {
    OlistException e = assertThrows(OlistException.class,
        () -> StagingJob.requireDirectory(dir.resolve("nope").toString(), new Configuration()));
    assertTrue(e.getMessage().contains("the input directory " + dir.resolve("nope") + " does not exist"),
        e.getMessage());
    assertDoesNotThrow(() -> StagingJob.requireDirectory(dir.toString(), new Configuration()));
  }
}
