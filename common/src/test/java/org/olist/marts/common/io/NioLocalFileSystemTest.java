package org.olist.marts.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.AbstractFileSystem;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  private static Configuration conf() {
    Configuration conf = new Configuration(false);
    NioLocalFileSystem.KEYS.forEach(conf::set);
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @Test
  void permissionsAreThoseChmodWouldSet() throws Exception {
    FileSystem fs = new Path(dir.toUri()).getFileSystem(conf());
    assertInstanceOf(NioLocalFileSystem.class, fs);
    Path file = new Path(dir.resolve("f").toUri());
    fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null).close();
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))));
    fs.setPermission(file, new FsPermission((short) 0704));
    assertEquals("rwx---r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))));
    assertTrue(fs.mkdirs(new Path(dir.resolve("d/e").toUri()), new FsPermission((short) 0750)));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d/e"))));
    assertThrows(FileNotFoundException.class,
        () -> fs.setPermission(new Path(dir.resolve("missing").toUri()), new FsPermission((short) 0644)));
  }

  @Test
  void linkStatusIsHadoopsOwn() throws Exception {
    FileSystem fs = new Path(dir.toUri()).getFileSystem(conf());
    FileSystem hadoops = new LocalFileSystem();
    hadoops.initialize(dir.toUri(), new Configuration(false));
    Files.writeString(dir.resolve("target"), "abc");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("target"));
    for (String name : new String[] {"target", "link"}) {
      Path p = new Path(dir.resolve(name).toUri());
      FileStatus ours = fs.getFileLinkStatus(p);
      FileStatus theirs = hadoops.getFileLinkStatus(p);
      assertEquals(theirs.isSymlink(), ours.isSymlink(), name);
      assertEquals(theirs.getLen(), ours.getLen(), name);
      assertEquals(theirs.getPath(), ours.getPath(), name);
      assertEquals(theirs.isSymlink() ? theirs.getSymlink() : null, ours.isSymlink() ? ours.getSymlink() : null, name);
    }
    assertFalse(fs.getFileLinkStatus(new Path(dir.resolve("target").toUri())).isSymlink());
    assertThrows(FileNotFoundException.class, () -> fs.getFileLinkStatus(new Path(dir.resolve("none").toUri())));
  }

  @Test
  void fileContextCreatesAndRenamesAsDeltaCommits() throws Exception {
    Configuration conf = conf();
    assertInstanceOf(NioLocalFileSystem.Fs.class, AbstractFileSystem.get(dir.toUri(), conf));
    FileContext fc = FileContext.getFileContext(dir.toUri(), conf);
    Path tmp = new Path(dir.resolve(".00000.json.tmp").toUri());
    Path commit = new Path(dir.resolve("00000.json").toUri());
    try (var out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
      out.write("{}\n".getBytes());
    }
    fc.rename(tmp, commit, Options.Rename.NONE);
    assertEquals("{}\n", Files.readString(dir.resolve("00000.json")));
    Files.writeString(dir.resolve(".again.tmp"), "x");
    assertThrows(FileAlreadyExistsException.class,
        () -> fc.rename(new Path(dir.resolve(".again.tmp").toUri()), commit, Options.Rename.NONE),
        "a commit that exists is never overwritten");
  }
}
