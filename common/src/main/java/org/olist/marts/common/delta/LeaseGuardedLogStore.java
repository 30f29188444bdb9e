package org.olist.marts.common.delta;

import io.delta.storage.AzureLogStore;
import io.delta.storage.CloseableIterator;
import io.delta.storage.GCSLogStore;
import io.delta.storage.HDFSLogStore;
import io.delta.storage.LogStore;
import io.delta.storage.S3SingleDriverLogStore;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.olist.marts.common.lease.CommitGuard;

/**
 * Delta's own log store for each file system (the one Delta would pick by scheme), with the warehouse lease checked
 * right before a commit file is written ({@link CommitGuard}): the only moment a check cannot come too early. A
 * public Delta extension point ({@code spark.delta.logStore.<scheme>.impl}, set by {@code SparkSessions}); a log
 * store the user configured for a scheme (S3DynamoDBLogStore, say) is kept and wrapped the same way.
 */
public final class LeaseGuardedLogStore extends LogStore {
  /** The schemes whose log store is wrapped. */
  public static final Set<String> SCHEMES = Set.of("file", "hdfs", "viewfs", "s3", "s3a", "s3n", "gs", "abfs",
      "abfss", "wasb", "wasbs", "adl");
  private static final Set<String> S3 = Set.of("s3", "s3a", "s3n");
  private static final Set<String> AZURE = Set.of("abfs", "abfss", "wasb", "wasbs", "adl");
  private static final String LOG_DIR = "_delta_log";

  private final Map<String, LogStore> delegates = new ConcurrentHashMap<>();

  public LeaseGuardedLogStore(Configuration initHadoopConf) {
    super(initHadoopConf);
  }

  /** The Hadoop key naming a log store of the user's own for a scheme, which this one then wraps. */
  public static String delegateKey(String scheme) {
    return "olist.delta.log-store." + scheme;
  }

  private LogStore delegate(Path path) {
    String scheme = path.toUri().getScheme() == null ? "file" : path.toUri().getScheme().toLowerCase(Locale.ROOT);
    return delegates.computeIfAbsent(scheme, this::create);
  }

  private LogStore create(String scheme) {
    String own = initHadoopConf().get(delegateKey(scheme), "");
    if (!own.isBlank()) {
      try {
        return (LogStore) Class.forName(own).getConstructor(Configuration.class).newInstance(initHadoopConf());
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new IllegalArgumentException("Cannot create the Delta log store " + own + " for " + scheme
            + ": " + e, e);
      }
    }
    Function<Configuration, LogStore> make = S3.contains(scheme) ? S3SingleDriverLogStore::new
        : scheme.equals("gs") ? GCSLogStore::new
        : AZURE.contains(scheme) ? AzureLogStore::new
        : HDFSLogStore::new;
    return make.apply(initHadoopConf());
  }

  /** A commit: a new (never overwritten) {@code <version>.json} in a table's log. */
  static boolean isCommit(Path path, boolean overwrite) {
    return !overwrite && path.getName().endsWith(".json") && path.getParent() != null
        && path.getParent().getName().equals(LOG_DIR);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    if (isCommit(path, Boolean.TRUE.equals(overwrite))) {
      CommitGuard.beforeCommit(path);
    }
    delegate(path).write(path, actions, overwrite, hadoopConf);
  }

  @Override
  public CloseableIterator<String> read(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).read(path, hadoopConf);
  }

  @Override
  public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).listFrom(path, hadoopConf);
  }

  @Override
  public Path resolvePathOnPhysicalStorage(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).resolvePathOnPhysicalStorage(path, hadoopConf);
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).isPartialWriteVisible(path, hadoopConf);
  }
}
