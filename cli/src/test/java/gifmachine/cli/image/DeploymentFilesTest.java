package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeploymentFilesTest {

  static final String DESCRIBED = """
      {"taskDefinition": {
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123:task-definition/prod-acme-gifmachine:7",
        "family": "prod-acme-gifmachine", "revision": 7, "status": "ACTIVE",
        "registeredAt": "2026-01-01T00:00:00Z", "registeredBy": "arn:aws:iam::123:root",
        "compatibilities": ["EC2", "FARGATE"], "requiresAttributes": [{"name": "x"}],
        "executionRoleArn": "arn:aws:iam::123:role/exec", "cpu": "512", "memory": "1024",
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "containerDefinitions": [
          {"name": "gifmachine", "image": "old@sha256:aaa", "essential": true,
           "secrets": [{"name": "GIFMACHINE_PASSWORD", "valueFrom": "arn:aws:secretsmanager:x"}]},
          {"name": "csidecar", "image": "old-sidecar@sha256:bbb", "essential": false}
        ]}}
      """;

  @Test
  void the_task_definition_gets_the_new_digests_and_loses_read_only_fields() throws Exception {
    String written = DeploymentFiles.taskDefinition(DESCRIBED,
        Map.of("gifmachine", "repo/gifmachine@sha256:new1", "csidecar", "repo/csidecar@sha256:new2"));

    JsonNode task = new ObjectMapper().readTree(written);
    assertThat(task.path("containerDefinitions").get(0).path("image").asText()).isEqualTo("repo/gifmachine@sha256:new1");
    assertThat(task.path("containerDefinitions").get(1).path("image").asText()).isEqualTo("repo/csidecar@sha256:new2");
    assertThat(task.path("containerDefinitions").get(0).path("secrets").get(0).path("valueFrom").asText())
        .isEqualTo("arn:aws:secretsmanager:x");
    assertThat(task.path("runtimePlatform").path("cpuArchitecture").asText()).isEqualTo("ARM64");
    for (String field : DeploymentFiles.READ_ONLY_FIELDS) {
      assertThat(task.has(field)).as(field).isFalse();
    }
  }

  @Test
  void a_task_without_the_sidecar_gets_the_app_image_only() throws Exception {
    String noSidecar = "{\"containerDefinitions\":[{\"name\":\"gifmachine\",\"image\":\"old\"}]}";

    JsonNode task = new ObjectMapper().readTree(DeploymentFiles.taskDefinition(noSidecar,
        Map.of("gifmachine", "new@sha256:1", "csidecar", "new-sidecar@sha256:2")));

    assertThat(task.path("containerDefinitions")).hasSize(1);
    assertThat(task.path("containerDefinitions").get(0).path("image").asText()).isEqualTo("new@sha256:1");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json                                            | it is not JSON",
      "{\"family\":\"x\"}                                  | it has no containerDefinitions list",
      "[1,2]                                               | it has no containerDefinitions list",
      "{\"containerDefinitions\":[{\"name\":\"redis\"}]}   | it has none of the containers gifmachine"})
  void bad_task_definitions_fail_with_the_reason(String json, String reason) {
    assertThatThrownBy(() -> DeploymentFiles.taskDefinition(json, Map.of("gifmachine", "x@sha256:1")))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageContaining("task definition failed: " + reason);
  }

  @Test
  void the_appspec_names_the_container_and_port_codedeploy_routes_to() {
    assertThat(DeploymentFiles.appSpec("gifmachine", 4567))
        .contains("Type: AWS::ECS::Service")
        .contains("TaskDefinition: \"<TASK_DEFINITION>\"")
        .contains("ContainerName: \"gifmachine\"")
        .contains("ContainerPort: 4567");
  }

  @ParameterizedTest
  @ValueSource(strings = {"arm64", "linux/arm64", "AARCH64", " arm64 "})
  void arm_spellings_parse_as_arm64(String text) {
    assertThat(ImagePlatform.parse(text)).contains(ImagePlatform.ARM64);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "linux/amd64", "x86_64"})
  void intel_spellings_parse_as_amd64(String text) {
    assertThat(ImagePlatform.parse(text)).contains(ImagePlatform.AMD64);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sparc", "linux/386", "windows/amd64"})
  void other_platforms_do_not_parse(String text) {
    assertThat(ImagePlatform.parse(text)).isEmpty();
  }
}
