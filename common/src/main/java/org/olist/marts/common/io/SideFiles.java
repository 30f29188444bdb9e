package org.olist.marts.common.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Small UTF-8 files beside the tables (month prints, RLS seeds, the warehouse lease), read and written whole on any
 * Hadoop file system. On a local disk no {@code .crc} side file is kept: these files are rewritten in place and read
 * by other processes.
 */
public final class SideFiles {
  private SideFiles() {
  }

  private static FileSystem fs(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
  }

  /**
   * The side file kept beside version {@code version} of the table at {@code tablePath}, in its folder {@code dir}
   * (a name starting with {@code _}, which Delta and its readers ignore): {@code <table>/<dir>/<version>.json}.
   */
  public static String versioned(String tablePath, String dir, long version) {
    return new Path(new Path(tablePath, dir), String.format("%020d.json", version)).toString();
  }

  /**
   * Keeps {@code text} as the side file of version {@code version} ({@link #versioned}) and removes the files of
   * other versions; returns the file's path.
   */
  public static String keepVersioned(String tablePath, String dir, long version, String text, Configuration conf)
      throws IOException {
    String file = versioned(tablePath, dir, version);
    write(file, text, conf);
    deleteSiblings(file, conf);
    return file;
  }

  /** A name Delta and Spark readers skip: the log, side files, checksums, temporary files. */
  public static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  /** The file's text; empty when there is no such file. */
  public static Optional<String> read(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    try (InputStream in = fs(p, conf).open(p)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Writes (or replaces) the file with {@code text}. */
  public static void write(String path, String text, Configuration conf) throws IOException {
    Path p = new Path(path);
    try (OutputStream out = fs(p, conf).create(p, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Replaces the file with {@code text} in one step, so a reader polling it never sees it half written: a rename
   * over it on a local disk or HDFS (a temporary file of its own per call, so two writers never share one); a
   * plain write on an object store, whose objects appear whole when written.
   */
  public static void replace(String path, String text, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = fs(p, conf);
    String scheme = fs.getUri().getScheme();
    if (!"file".equals(scheme) && !"hdfs".equals(scheme) && !"viewfs".equals(scheme)) {
      write(path, text, conf);
      return;
    }
    Path temporary = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".tmp");
    write(temporary.toString(), text, conf);
    if ("file".equals(scheme)) {
      Files.move(Paths.get(fs.makeQualified(temporary).toUri()), Paths.get(fs.makeQualified(p).toUri()),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      FileContext.getFileContext(fs.getUri(), conf).rename(temporary, p, Options.Rename.OVERWRITE);
    }
  }

  public static void delete(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    fs(p, conf).delete(p, false);
  }

  /** The names of the folders directly under {@code parent}, hidden ones aside; none when it does not exist. */
  public static List<String> folders(String parent, Configuration conf) throws IOException {
    Path root = new Path(parent);
    FileSystem fs = fs(root, conf);
    List<String> out = new ArrayList<>();
    if (!fs.exists(root)) {
      return out;
    }
    for (FileStatus child : fs.listStatus(root)) {
      if (child.isDirectory() && !hidden(child.getPath().getName())) {
        out.add(child.getPath().getName());
      }
    }
    return out;
  }

  /**
   * Deletes every folder directly under {@code parent} whose name is not in {@code keep} (hidden ones aside) and
   * returns their names; nothing when {@code parent} does not exist.
   */
  public static List<String> deleteFoldersExcept(String parent, Set<String> keep, Configuration conf)
      throws IOException {
    Path root = new Path(parent);
    FileSystem fs = fs(root, conf);
    List<String> removed = new ArrayList<>();
    for (String name : folders(parent, conf)) {
      if (!keep.contains(name)) {
        Path child = new Path(root, name);
        if (!fs.delete(child, true)) {
          throw new IOException("the file system did not delete " + child);
        }
        removed.add(name);
      }
    }
    return removed;
  }

  /** Removes every other file of the directory {@code path} is in. */
  public static void deleteSiblings(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = fs(p, conf);
    for (FileStatus other : fs.listStatus(p.getParent())) {
      if (!other.getPath().getName().equals(p.getName())) {
        fs.delete(other.getPath(), false);
      }
    }
  }
}
