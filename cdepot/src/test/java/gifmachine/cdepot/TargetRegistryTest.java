package gifmachine.cdepot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TargetRegistryTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final TargetRegistry registry =
      new TargetRegistry(Duration.ofSeconds(30).toNanos(), 2, now::get, TargetRegistryTest::render);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] render(TargetGroup group) {
    try {
      return JSON.writeValueAsBytes(group);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Heartbeat heartbeat(String localIp, String taskId) {
    return new Heartbeat("c", "f", taskId, localIp, "", "main", List.of(localIp));
  }

  @Test
  void a_heartbeat_registers_then_refreshes_its_target() {
    assertThat(registry.register(heartbeat("a:1", "t1")))
        .isEqualTo(TargetRegistry.Outcome.REGISTERED);
    assertThat(registry.register(heartbeat("a:1", "t2")))
        .isEqualTo(TargetRegistry.Outcome.REFRESHED);

    assertThat(registry.targetGroups())
        .containsExactly(new TargetGroup(new TargetLabels("c", "f", "t2", "main"), List.of("a:1")));
  }

  @Test
  void targets_expire_after_the_ttl_without_a_heartbeat() {
    registry.register(heartbeat("a:1", "t1"));
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    registry.register(heartbeat("b:1", "t2"));
    now.addAndGet(Duration.ofSeconds(11).toNanos());

    assertThat(registry.targetGroups()).extracting(g -> g.targets().get(0)).containsExactly("b:1");
    assertThat(registry.expire()).isEqualTo(1);
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void a_full_registry_refuses_new_targets_but_refreshes_known_ones() {
    registry.register(heartbeat("a:1", "t1"));
    registry.register(heartbeat("b:1", "t2"));

    assertThat(registry.register(heartbeat("c:1", "t3"))).isEqualTo(TargetRegistry.Outcome.FULL);
    assertThat(registry.register(heartbeat("a:1", "t1")))
        .isEqualTo(TargetRegistry.Outcome.REFRESHED);
    assertThat(registry.size()).isEqualTo(2);
  }

  @Test
  void the_rendered_http_sd_json_matches_the_target_groups_and_skips_expired_ones()
      throws Exception {
    registry.register(heartbeat("b:1", "t2"));
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    registry.register(heartbeat("a:1", "t1"));
    registry.register(heartbeat("a:1", "t1b"));
    assertThat(JSON.readTree(registry.renderTargetGroups()))
        .isEqualTo(JSON.valueToTree(registry.targetGroups()))
        .hasSize(2);

    now.addAndGet(Duration.ofSeconds(15).toNanos());

    assertThat(JSON.readTree(registry.renderTargetGroups()))
        .isEqualTo(
            JSON.readTree(
                "[{\"labels\":{\"cluster\":\"c\",\"function\":\"f\",\"taskID\":\"t1b\",\"gitBranch\":\"main\"},\"targets\":[\"a:1\"]}]"));
  }

  @Test
  void the_version_changes_only_when_targets_or_labels_do() {
    registry.register(heartbeat("a:1", "t1"));
    long registered = registry.version();
    registry.register(heartbeat("a:1", "t1"));
    assertThat(registry.version()).isEqualTo(registered);
    registry.register(heartbeat("a:1", "t2"));
    assertThat(registry.version()).isGreaterThan(registered);
  }

  @Test
  void target_groups_are_sorted_by_address() {
    registry.register(heartbeat("b:1", "t2"));
    registry.register(heartbeat("a:1", "t1"));

    assertThat(registry.targetGroups())
        .extracting(g -> g.labels().taskID())
        .containsExactly("t1", "t2");
  }

  @Test
  void a_repeated_body_refreshes_its_registration_without_being_parsed_again() {
    byte[] body = "{\"localIP\":\"a:1\",\"taskID\":\"t1\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(registry.refresh(body)).isFalse();
    registry.register(heartbeat("a:1", "t1"), body);
    long version = registry.version();
    now.addAndGet(Duration.ofSeconds(20).toNanos());

    assertThat(registry.refresh(body.clone())).isTrue();
    now.addAndGet(Duration.ofSeconds(20).toNanos());

    assertThat(registry.expire()).isZero();
    assertThat(registry.targetGroups()).extracting(g -> g.labels().taskID()).containsExactly("t1");
    assertThat(registry.version()).isEqualTo(version);
  }

  @Test
  void a_body_whose_registration_was_replaced_or_expired_must_be_parsed_again() {
    byte[] first = "{\"localIP\":\"a:1\",\"taskID\":\"t1\"}".getBytes(StandardCharsets.UTF_8);
    byte[] second = "{\"localIP\":\"a:1\",\"taskID\":\"t2\"}".getBytes(StandardCharsets.UTF_8);
    registry.register(heartbeat("a:1", "t1"), first);
    registry.register(heartbeat("a:1", "t2"), second);

    assertThat(registry.refresh(first)).isFalse();
    assertThat(registry.refresh(second)).isTrue();

    now.addAndGet(Duration.ofSeconds(31).toNanos());
    assertThat(registry.refresh(second)).isFalse();
    registry.expire();
    assertThat(registry.refresh(second)).isFalse();
    assertThat(registry.size()).isZero();
  }
}
