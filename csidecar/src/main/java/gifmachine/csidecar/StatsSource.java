package gifmachine.csidecar;

import java.io.IOException;

/**
 * Where a sidecar's numbers come from: the ECS task metadata endpoint on AWS ({@link
 * EcsMetadataSource}), cgroup files elsewhere ({@link CgroupSource}).
 */
public interface StatsSource {

  /** Reads the task once; throws when the source is unreachable or unreadable right now. */
  TaskSample read() throws IOException, InterruptedException;

  /** A short description for logs, e.g. {@code ecs http://169.254.170.2/v4/abc}. */
  String describe();
}
