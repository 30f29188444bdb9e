package org.olist.marts.common.lease;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process of this host lives. A process killed after its parent died stays a zombie until an init
 * process reaps it, and a container's first process often never does; {@link ProcessHandle#isAlive} counts a zombie
 * as alive, which would keep a dead holder's lease binding. On Linux the state in {@code /proc/<pid>/stat} tells.
 */
final class Processes {
  private Processes() {
  }

  static boolean alive(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "<pid> (<command, which may hold spaces and parentheses>) <state> ...": the state follows the last ')'
      int end = stat.lastIndexOf(')');
      char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : 'R';
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      // no /proc (not Linux), or the process ended meanwhile: trust the handle
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }
}
