package gifmachine.infra;

import java.util.Map;
import java.util.Optional;

/**
 * How many database connections each Gifmachine task may open, so that every task the service can
 * run at once fits under the RDS instance's {@code max_connections}. During an ECS blue/green
 * deployment the old and the new task sets run side by side, so up to twice {@code --max-tasks}
 * tasks hold connections at the same time.
 *
 * <pre>{@code
 * ConnectionBudget budget = ConnectionBudget.of("db.t4g.micro", 4);
 * budget.poolSizePerTask(); // 8: (84 - 10 reserved) / (2 × 4) tasks, minus the LISTEN connection
 * }</pre>
 *
 * <p>RDS for PostgreSQL's default {@code max_connections} is {@code
 * LEAST({DBInstanceClassMemory/9531392}, 5000)}
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections).
 * {@code DBInstanceClassMemory} is the class's memory less what RDS keeps for the operating system
 * and its own processes, and AWS does not publish it; instances with 1 GiB report 81–87 connections
 * where the nominal memory would give 112, so the budget counts 75% of the nominal memory.
 *
 * @param instanceClass e.g. {@code db.t4g.micro}
 * @param maxConnections the instance's estimated {@code max_connections}
 * @param tasksAtOnce the most tasks holding connections at once (2 × max tasks)
 */
public record ConnectionBudget(String instanceClass, int maxConnections, int tasksAtOnce) {

  /** Bytes of instance memory per connection in RDS's default formula. */
  static final long BYTES_PER_CONNECTION = 9_531_392L;

  /** The share of nominal memory counted as {@code DBInstanceClassMemory}. */
  static final double MEMORY_AVAILABLE_TO_POSTGRES = 0.75;

  /**
   * Kept free: PostgreSQL's {@code superuser_reserved_connections} (3), RDS's own {@code
   * rds.rds_superuser_reserved_connections} (2), and 5 for operators and migrations.
   */
  static final int RESERVED = 10;

  /** Beyond the pool, each task holds one connection for LISTEN/NOTIFY. */
  static final int LISTEN_CONNECTIONS = 1;

  /** Fewer than this and a task stalls behind one slow query. */
  public static final int MIN_POOL = 2;

  /** More than this helps no task of ours (0.25–0.5 vCPU); the app's earlier fixed size. */
  public static final int MAX_POOL = 16;

  /**
   * Memory in GiB by size, for the burstable and general-purpose families (t3, t4g, m5, m6g, m7g…).
   */
  private static final Map<String, Integer> GENERAL_GIB =
      Map.of(
          "micro", 1, "small", 2, "medium", 4, "large", 8, "xlarge", 16, "2xlarge", 32, "4xlarge",
          64, "8xlarge", 128);

  /**
   * The budget of {@code instanceClass} for {@code maxTasks} tasks.
   *
   * @throws InvalidDeploymentConfigException when the class is unknown or the tasks cannot fit
   */
  public static ConnectionBudget of(String instanceClass, int maxTasks) {
    int gib =
        memoryGib(instanceClass)
            .orElseThrow(
                () ->
                    new InvalidDeploymentConfigException(
                        "database instance class \""
                            + instanceClass
                            + "\": its memory is not known here, so its connection "
                            + "limit cannot be checked; use a db.t3/t4g/m5/m6g/m7g/r5/r6g/r7g class"));
    long classMemory = (long) (gib * 1024L * 1024L * 1024L * MEMORY_AVAILABLE_TO_POSTGRES);
    int maxConnections = (int) Math.min(classMemory / BYTES_PER_CONNECTION, 5000);
    ConnectionBudget budget = new ConnectionBudget(instanceClass, maxConnections, 2 * maxTasks);
    int needed = budget.tasksAtOnce() * (MIN_POOL + LISTEN_CONNECTIONS) + RESERVED;
    if (needed > maxConnections) {
      throw new InvalidDeploymentConfigException(
          "max-tasks "
              + maxTasks
              + " with database instance class "
              + instanceClass
              + ": "
              + budget.tasksAtOnce()
              + " tasks during a blue/green deployment need at least "
              + needed
              + " connections, the instance allows about "
              + maxConnections
              + "; lower --max-tasks or choose a larger --db-instance-class");
    }
    return budget;
  }

  /** Connections each task's pool may open (not counting its LISTEN connection). */
  public int poolSizePerTask() {
    int perTask = (maxConnections - RESERVED) / tasksAtOnce - LISTEN_CONNECTIONS;
    return Math.min(MAX_POOL, perTask);
  }

  static Optional<Integer> memoryGib(String instanceClass) {
    String[] parts = instanceClass.split("\\.");
    if (parts.length != 3 || !parts[0].equals("db")) {
      return Optional.empty();
    }
    String family = parts[1];
    Integer general = GENERAL_GIB.get(parts[2]);
    if (general == null) {
      return Optional.empty();
    }
    if (family.matches("t[34]g?")) {
      return parts[2].matches("[48]xlarge") ? Optional.empty() : Optional.of(general);
    }
    if (family.matches("m[5-8]g?d?")) {
      return parts[2].equals("micro") || parts[2].equals("small") || parts[2].equals("medium")
          ? Optional.empty()
          : Optional.of(general);
    }
    if (family.matches("r[5-8]g?d?")) {
      return parts[2].equals("micro") || parts[2].equals("small") || parts[2].equals("medium")
          ? Optional.empty()
          : Optional.of(general * 2);
    }
    return Optional.empty();
  }
}
