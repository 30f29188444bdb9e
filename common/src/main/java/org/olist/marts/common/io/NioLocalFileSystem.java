package org.olist.marts.common.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system with permissions set and links read through {@code java.nio} instead of a new
 * process. Without Hadoop's native library (it is not in the Maven artifacts), {@code RawLocalFileSystem} runs
 * {@code chmod} for every file and directory it creates with a permission and {@code readlink} for every
 * {@code FileContext} rename or link status (Delta's log store commits through {@code FileContext}): about 3,600
 * processes for README command 1, 7–14 ms each on a 2-core machine. The files, their permissions and every
 * other call are Hadoop's own. Used for local runs only ({@link #KEYS}, set by {@code SparkSessions}).
 */
public final class NioLocalFileSystem extends LocalFileSystem {
  /** The Hadoop settings that select these classes for {@code file:} paths (FileSystem and FileContext). */
  public static final Map<String, String> KEYS = Map.of(
      "fs.file.impl", NioLocalFileSystem.class.getName(),
      "fs.AbstractFileSystem.file.impl", Fs.class.getName());

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-less) local file system, as Hadoop's, but for the two calls that started processes. */
  public static final class Raw extends RawLocalFileSystem {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    private static final int SPECIAL_BITS = 07000;

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      short mode = permission.toShort();
      if ((mode & SPECIAL_BITS) != 0) {
        // sticky, setuid, setgid: java.nio cannot set them
        super.setPermission(p, permission);
        return;
      }
      Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
      for (int bit = 0; bit < BITS.length; bit++) {
        if ((mode & (1 << bit)) != 0) {
          set.add(BITS[bit]);
        }
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), set);
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("Cannot set the permission of " + p + ": no such file");
      }
    }

    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      // Hadoop's own asks readlink first; a path that is no link is what getFileStatus describes
      return Files.isSymbolicLink(pathToFile(f).toPath()) ? super.getFileLinkStatus(f) : getFileStatus(f);
    }
  }

  /**
   * The {@code FileContext} side ({@code fs.AbstractFileSystem.file.impl}): Hadoop's {@code LocalFs} over
   * {@link Raw}.
   */
  public static final class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new RawFs(uri, conf));
    }
  }

  /** Hadoop's {@code RawLocalFs} over {@link Raw}. */
  static final class RawFs extends DelegateToFileSystem {
    RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1;
    }

    @Override
    public FsServerDefaults getServerDefaults(Path f) throws IOException {
      return fsImpl.getServerDefaults(f);
    }

    @Override
    public boolean isValidName(String src) {
      return true;
    }
  }
}
