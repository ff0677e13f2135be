package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.iam.OperatorPolicyCoverage;
import gifmachine.cli.iam.RecordedAwsCalls;
import gifmachine.cli.testing.MotoServer;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.NetworkStack;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The whole deployer against moto with the REAL synthesized stacks ({@link MotoDeployment}): {@code
 * up} → {@code status} → {@code up} (no changes) → {@code down} → {@code down} again. Prints the
 * CLI's own time per command (bench/deployer reads these lines).
 */
@ExtendWith(MotoServer.class)
class UpDownMotoIT {

  @TempDir Path dir;

  /** A manual snapshot of the deployment's database, tagged as its final snapshots are. */
  private static String snapshotOfTheDatabase(MotoServer.Endpoint moto) {
    try (RdsClient rds =
        RdsClient.builder().region(Region.US_EAST_1).endpointOverride(moto.uri()).build()) {
      String instance = rds.describeDBInstances().dbInstances().getFirst().dbInstanceIdentifier();
      String name = "test-acme-manual-1";
      rds.createDBSnapshot(
          r ->
              r.dbInstanceIdentifier(instance)
                  .dbSnapshotIdentifier(name)
                  .tags(
                      Tag.builder()
                          .key(DeploymentConfig.DEPLOYMENT_TAG)
                          .value("test-acme")
                          .build()));
      return name;
    }
  }

  @Test
  void up_status_up_again_down_and_down_again_against_moto(MotoServer.Endpoint moto)
      throws Exception {
    moto.reset();
    RecordedAwsCalls.clear();
    try (MotoDeployment deployment = MotoDeployment.start(dir, moto.url())) {
      MotoTemplates fixture = deployment.fixture;
      long t0 = System.nanoTime();
      CliRunner.Result up = deployment.run("up", "--yes");
      long upMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(up.exitCode()).as(up.toString()).isZero();
      assertThat(up.out())
          .contains(
              "Smoke test: passed",
              "Gifmachine: http",
              "Grafana:    http",
              "aws secretsmanager get-secret-value --secret-id",
              "Gifmachine: https://",
              "/grafana/",
              "Monitoring history: Prometheus keeps 15d");
      assertThat(fixture.dropped).isNotEmpty();

      CliRunner.Result status = deployment.run("status", "--output", "json");
      assertThat(status.exitCode()).as(status.toString()).isZero();
      JsonNode json = new ObjectMapper().readTree(status.out());
      assertThat(json.path("stacks"))
          .allSatisfy(s -> assertThat(s.path("status").asText()).isEqualTo("CREATE_COMPLETE"));
      assertThat(json.path("service").path("running").asInt()).isEqualTo(1);
      assertThat(json.path("service").path("images").path("gifmachine").asText())
          .contains("/test-acme/gifmachine@sha256:");
      assertThat(deployment.smokeUrls)
          .containsExactly(URI.create(json.path("urls").path("gifmachine").asText()));

      long t1 = System.nanoTime();
      CliRunner.Result again = deployment.run("up", "--yes");
      long againMillis = (System.nanoTime() - t1) / 1_000_000;
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out())
          .contains("No changes: test-acme is up to date.")
          .as("said the first time only")
          .doesNotContain("Monitoring history");

      CliRunner.Result plan = deployment.run("plan");
      assertThat(plan.exitCode()).as(plan.toString()).isZero();
      assertThat(plan.out())
          .contains(
              "test-acme-gifmachine\n  no changes",
              "Plan: 0 to add, 0 to modify (0 replaced), 0 to remove.");

      // The network recorded the zones up chose (DescribeInstanceTypeOfferings) and the NAT
      // image it resolved (SSM); the second up and plan above kept both ("no changes").
      try (Aws aws = moto.connect("us-east-1")) {
        Map<String, String> network =
            aws.cloudFormation().describe("test-acme-network").orElseThrow().outputs();
        assertThat(network.get("AvailabilityZones")).matches("us-east-1[a-z],us-east-1[a-z]");
        assertThat(network.get("NatImageId"))
            .isEqualTo(
                RecordedAwsCalls.unrecorded(
                    () ->
                        aws.account()
                            .publicParameter(NetworkStack.NAT_AMI_PARAMETER)
                            .orElseThrow()));
      }

      // A snapshot of the live database: status lists it, and restoring it over the live
      // database is refused without the deployment's name typed (or --replace-database).
      String snapshot = RecordedAwsCalls.unrecorded(() -> snapshotOfTheDatabase(moto));
      CliRunner.Result snapshots = deployment.run("status");
      assertThat(snapshots.out())
          .as(snapshots.toString())
          .contains("DB snapshots (newest first", "  " + snapshot + "  ");
      deployment.cli.answers.add("not-the-name");
      CliRunner.Result restore = deployment.run("up", "--yes", "--restore-snapshot", snapshot);
      assertThat(restore.exitCode())
          .as(restore.toString())
          .isEqualTo(DeploymentException.Exit.CONFLICT.code());
      assertThat(restore.err()).contains("would replace the live database", "--replace-database");

      CliRunner.Result monitoring = deployment.run("up", "monitoring");
      assertThat(monitoring.exitCode()).as(monitoring.toString()).isZero();
      assertThat(monitoring.out()).contains("No changes: test-acme is up to date.");

      CliRunner.Result logs = deployment.run("logs", "--since", "1h", "--filter", "GET");
      assertThat(logs.exitCode()).as(logs.toString()).isZero();

      long t2 = System.nanoTime();
      CliRunner.Result down = deployment.run("down", "--yes", "--force");
      long downMillis = (System.nanoTime() - t2) / 1_000_000;
      // moto's DeleteStack leaves the network stack's EC2 resources (VPC, subnets, security
      // groups, the NAT instance); CloudFormation deletes them. down lists what is left and
      // exits 1, as it must: here exactly those, no task definition, secret or log group.
      assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);
      assertThat(down.out()).contains("Task definition revisions deleted: ");
      assertThat(MotoDeployment.leftovers(down.out()))
          .as(down.toString())
          .isNotEmpty()
          .allSatisfy(arn -> assertThat(arn).startsWith("arn:aws:ec2:"));
      assertThat(down.err()).contains("resource(s) of test-acme are left");
      try (Aws aws = moto.connect("us-east-1")) {
        for (String part :
            List.of("registry", "network", "db", "gifmachine", "monitoring", "edge", "pipeline")) {
          assertThat(aws.cloudFormation().describe("test-acme-" + part)).as(part).isEmpty();
        }
        assertThat(aws.secrets().describe("test-acme/gifmachine/api-password")).isEmpty();
      }

      CliRunner.Result downAgain = deployment.run("down", "--yes", "--force");
      assertThat(downAgain.exitCode()).as(downAgain.toString()).isEqualTo(1);
      assertThat(MotoDeployment.leftovers(downAgain.out()))
          .isEqualTo(MotoDeployment.leftovers(down.out()));
      assertThat(downAgain.out())
          .contains("test-acme-network: already absent", "test-acme-pipeline: already absent");

      // Every AWS call the cycle made is one iam-policy allows, and every statement of the
      // policy was needed by some call (so that removing any one of them would deny it).
      String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/test-acme/any:latest";
      OperatorPolicyCoverage.assertCovers(
          DeploymentConfig.builder("test", "acme", "us-east-1")
              .images(ImageSet.of(any -> image))
              .build(),
          RecordedAwsCalls.actions());

      System.out.printf(
          "BENCH up_ms=%d up_again_ms=%d down_ms=%d synthesis_ms=%s image_push_ms=%s%n",
          upMillis, againMillis, downMillis, deployment.synthesisMillis, deployment.pushMillis);
      System.out.println("MOTO DROPPED " + fixture.dropped);
    }
  }
}
