package org.olist.marts.common.lease;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;

/**
 * The commit-time half of the warehouse lease (SPEC §10): Delta's log store calls {@link #beforeCommit} right before
 * it writes a commit file, and a commit under a warehouse whose lease this process holds is refused once the lease
 * is no longer its own. The check before a write starts ({@link WarehouseLease#check}) cannot see a lease lost
 * while the write runs.
 */
public final class CommitGuard {
  /** The leases this process holds, with the path of their warehouse root. */
  private static final Map<WarehouseLease, String> HELD = new ConcurrentHashMap<>();

  private CommitGuard() {
  }

  static void register(String warehousePath, WarehouseLease lease) {
    HELD.put(lease, warehousePath.endsWith("/") ? warehousePath : warehousePath + "/");
  }

  static void unregister(WarehouseLease lease) {
    HELD.remove(lease);
  }

  /** Fails when {@code commit} lies under a warehouse whose lease this process held and lost. */
  public static void beforeCommit(Path commit) throws IOException {
    String path = commit.toUri().getPath();
    for (Map.Entry<WarehouseLease, String> held : HELD.entrySet()) {
      if (path.startsWith(held.getValue())) {
        held.getKey().verifyHeld(commit.toString());
      }
    }
  }
}
