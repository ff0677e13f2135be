package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.app.Gifmachine;
import gifmachine.app.GifmachineConfig;
import gifmachine.cli.iam.OperatorPolicyCoverage;
import gifmachine.cli.iam.RecordedAwsCalls;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.JibImagePublishing;
import gifmachine.cli.deploy.Pacer;
import gifmachine.cli.image.ImageFixturesAccess;
import gifmachine.cli.image.ImageSources;
import gifmachine.cli.testing.MotoServer;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Infrastructure;
import gifmachine.infra.NetworkStack;
import gifmachine.infra.SynthesizedApp;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole deployer against moto with the REAL synthesized stacks (adapted copies, see
 * {@link MotoTemplates}): {@code up} → {@code status} → {@code up} (no changes) → {@code down}
 * → {@code down} again. Where moto cannot do a step, a real local stand-in takes it: images are
 * built by Jib and pushed to Debian's docker-registry on loopback (digests reported under the
 * ECR repository URIs moto gave), and the smoke test runs against a local Gifmachine.
 * Prints the CLI's own time per command (bench/deployer reads these lines).
 */
@ExtendWith(MotoServer.class)
class UpDownMotoIT {

  static final String[] TARGET = {"-e", "test", "-c", "acme", "--region", "us-east-1", "--method", "direct"};

  @TempDir
  Path dir;

  static List<String> command(String name, String endpoint, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of(name));
    args.addAll(List.of(TARGET));
    args.addAll(List.of("--endpoint-url", endpoint));
    args.addAll(List.of(more));
    return args;
  }

  static ImageSet map(ImageSet images, UnaryOperator<String> f) {
    return new ImageSet(f.apply(images.gifmachine()), f.apply(images.csidecar()), f.apply(images.cdepot()),
        f.apply(images.prometheus()), f.apply(images.grafana()));
  }

  /** The ARNs {@code down} lists under "Still tagged". */
  static List<String> leftovers(String out) {
    int at = out.indexOf("Still tagged");
    if (at < 0) {
      return List.of();
    }
    return out.substring(at).lines().skip(1).takeWhile(l -> l.startsWith("  arn:")).map(String::trim).toList();
  }

  /** A manual snapshot of the deployment's database, tagged as its final snapshots are. */
  private static String snapshotOfTheDatabase(MotoServer.Endpoint moto) {
    try (RdsClient rds = RdsClient.builder().region(Region.US_EAST_1).endpointOverride(moto.uri()).build()) {
      String instance = rds.describeDBInstances().dbInstances().getFirst().dbInstanceIdentifier();
      String name = "test-acme-manual-1";
      rds.createDBSnapshot(r -> r.dbInstanceIdentifier(instance).dbSnapshotIdentifier(name)
          .tags(Tag.builder().key(DeploymentConfig.DEPLOYMENT_TAG).value("test-acme").build()));
      return name;
    }
  }

  @Test
  void up_status_up_again_down_and_down_again_against_moto(MotoServer.Endpoint moto) throws Exception {
    moto.reset();
    RecordedAwsCalls.clear();
    try (ImageFixturesAccess registry = ImageFixturesAccess.start(dir.resolve("images"));
        Gifmachine gifmachine = Gifmachine.start(GifmachineConfig.local(dir.resolve("app"), 0))) {
      MotoTemplates fixture = new MotoTemplates();
      Map<DeploymentConfig, SynthesizedApp> synthesized = new ConcurrentHashMap<>();
      List<Long> synthesisMillis = new CopyOnWriteArrayList<>();
      List<URI> smokeUrls = new CopyOnWriteArrayList<>();
      JibImagePublishing jib = new JibImagePublishing(new ImageSources(registry.root()), registry.bases(),
          dir.resolve("image-cache"), true, Pacer.system());

      CliRunner cli = new CliRunner(dir);
      cli.environment.put("GIFMACHINE_PASSWORD", gifmachine.password());
      // Synthesis is the production function; the same config is synthesized once (it takes
      // tens of seconds here), then the copy is adapted for moto.
      cli.synthesizer = config -> synthesized.computeIfAbsent(config, c -> {
        long start = System.nanoTime();
        SynthesizedApp app = Infrastructure.synthesize(c);
        synthesisMillis.add((System.nanoTime() - start) / 1_000_000);
        SynthesizedApp adapted = fixture.adapt(app);
        // Kept for reading when moto rejects one: target/moto-templates/<stack>.json
        try {
          Path out = java.nio.file.Files.createDirectories(Path.of("target", "moto-templates"));
          for (var stack : adapted.stacks()) {
            java.nio.file.Files.writeString(out.resolve(stack.stackName() + ".json"), stack.templateBody());
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return adapted;
      });
      List<Long> pushMillis = new CopyOnWriteArrayList<>();
      cli.images = (repositories, login, arm64, progress) -> {
        long start = System.nanoTime();
        assertThat(login.username()).isEqualTo("AWS");
        ImageSet local = map(repositories, uri -> registry.host() + "/" + uri.substring(uri.indexOf('/') + 1));
        ImageSet pushed = jib.publish(local, new RegistryGateway.Login("", "", ""), false, progress);
        pushMillis.add((System.nanoTime() - start) / 1_000_000);
        return map(pushed, reference -> repositories.gifmachine().substring(0, repositories.gifmachine().indexOf('/'))
            + reference.substring(reference.indexOf('/')));
      };
      cli.smoke = (url, secret, timeout) -> {
        smokeUrls.add(url);
        return CliContext.smokeTest(gifmachine.baseUri(), secret, timeout);
      };

      long t0 = System.nanoTime();
      CliRunner.Result up = cli.run(command("up", moto.url(), "--yes"));
      long upMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(up.exitCode()).as(up.toString()).isZero();
      assertThat(up.out()).contains("Smoke test: passed", "Gifmachine: http", "Grafana:    http",
          "aws secretsmanager get-secret-value --secret-id",
          "Gifmachine: https://", "/grafana/", "Monitoring history: Prometheus keeps 15d");
      assertThat(fixture.dropped).isNotEmpty();

      CliRunner.Result status = cli.run(command("status", moto.url(), "--output", "json"));
      assertThat(status.exitCode()).as(status.toString()).isZero();
      JsonNode json = new ObjectMapper().readTree(status.out());
      assertThat(json.path("stacks")).allSatisfy(s -> assertThat(s.path("status").asText()).isEqualTo("CREATE_COMPLETE"));
      assertThat(json.path("service").path("running").asInt()).isEqualTo(1);
      assertThat(json.path("service").path("images").path("gifmachine").asText()).contains("/test-acme/gifmachine@sha256:");
      assertThat(smokeUrls).containsExactly(URI.create(json.path("urls").path("gifmachine").asText()));

      long t1 = System.nanoTime();
      CliRunner.Result again = cli.run(command("up", moto.url(), "--yes"));
      long againMillis = (System.nanoTime() - t1) / 1_000_000;
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out()).contains("No changes: test-acme is up to date.")
          .as("said the first time only").doesNotContain("Monitoring history");

      CliRunner.Result plan = cli.run(command("plan", moto.url()));
      assertThat(plan.exitCode()).as(plan.toString()).isZero();
      assertThat(plan.out()).contains("test-acme-gifmachine\n  no changes", "Plan: 0 to add, 0 to modify (0 replaced), 0 to remove.");

      // The network recorded the zones up chose (DescribeInstanceTypeOfferings) and the NAT
      // image it resolved (SSM); the second up and plan above kept both ("no changes").
      try (Aws aws = moto.connect("us-east-1")) {
        Map<String, String> network = aws.cloudFormation().describe("test-acme-network").orElseThrow().outputs();
        assertThat(network.get("AvailabilityZones")).matches("us-east-1[a-z],us-east-1[a-z]");
        assertThat(network.get("NatImageId")).isEqualTo(RecordedAwsCalls.unrecorded(
            () -> aws.account().publicParameter(NetworkStack.NAT_AMI_PARAMETER).orElseThrow()));
      }

      // A snapshot of the live database: status lists it, and restoring it over the live
      // database is refused without the deployment's name typed (or --replace-database).
      String snapshot = RecordedAwsCalls.unrecorded(() -> snapshotOfTheDatabase(moto));
      CliRunner.Result snapshots = cli.run(command("status", moto.url()));
      assertThat(snapshots.out()).as(snapshots.toString()).contains("DB snapshots (newest first", "  " + snapshot + "  ");
      cli.answers.add("not-the-name");
      CliRunner.Result restore = cli.run(command("up", moto.url(), "--yes", "--restore-snapshot", snapshot));
      assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(DeploymentException.Exit.CONFLICT.code());
      assertThat(restore.err()).contains("would replace the live database", "--replace-database");

      CliRunner.Result monitoring = cli.run(command("up", moto.url(), "monitoring"));
      assertThat(monitoring.exitCode()).as(monitoring.toString()).isZero();
      assertThat(monitoring.out()).contains("No changes: test-acme is up to date.");

      CliRunner.Result logs = cli.run(command("logs", moto.url(), "--since", "1h", "--filter", "GET"));
      assertThat(logs.exitCode()).as(logs.toString()).isZero();

      long t2 = System.nanoTime();
      CliRunner.Result down = cli.run(command("down", moto.url(), "--yes", "--force"));
      long downMillis = (System.nanoTime() - t2) / 1_000_000;
      // moto's DeleteStack leaves the network stack's EC2 resources (VPC, subnets, security
      // groups, the NAT instance); CloudFormation deletes them. down lists what is left and
      // exits 1, as it must: here exactly those, no task definition, secret or log group.
      assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);
      assertThat(down.out()).contains("Task definition revisions deleted: ");
      assertThat(leftovers(down.out())).as(down.toString()).isNotEmpty().allSatisfy(arn -> assertThat(arn).startsWith("arn:aws:ec2:"));
      assertThat(down.err()).contains("resource(s) of test-acme are left");
      try (Aws aws = moto.connect("us-east-1")) {
        for (String part : List.of("registry", "network", "db", "gifmachine", "monitoring", "edge", "pipeline")) {
          assertThat(aws.cloudFormation().describe("test-acme-" + part)).as(part).isEmpty();
        }
        assertThat(aws.secrets().describe("test-acme/gifmachine/api-password")).isEmpty();
      }

      CliRunner.Result downAgain = cli.run(command("down", moto.url(), "--yes", "--force"));
      assertThat(downAgain.exitCode()).as(downAgain.toString()).isEqualTo(1);
      assertThat(leftovers(downAgain.out())).isEqualTo(leftovers(down.out()));
      assertThat(downAgain.out()).contains("test-acme-network: already absent", "test-acme-pipeline: already absent");

      // Every AWS call the cycle made is one iam-policy allows, and every statement of the
      // policy was needed by some call (so that removing any one of them would deny it).
      String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/test-acme/any:latest";
      OperatorPolicyCoverage.assertCovers(DeploymentConfig.builder("test", "acme", "us-east-1")
              .images(new ImageSet(image, image, image, image, image)).build(),
          RecordedAwsCalls.actions());

      System.out.printf("BENCH up_ms=%d up_again_ms=%d down_ms=%d synthesis_ms=%s image_push_ms=%s%n",
          upMillis, againMillis, downMillis, synthesisMillis, pushMillis);
      System.out.println("MOTO DROPPED " + fixture.dropped);
    }
  }

}
