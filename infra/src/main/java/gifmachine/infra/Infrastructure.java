package gifmachine.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TagProps;
import software.amazon.awscdk.Tags;

/**
 * Synthesizes a deployment's CloudFormation templates in-process with AWS CDK: no {@code cdk} CLI,
 * no bootstrap, no assets, no custom resources, so plain CloudFormation (or an emulator) deploys
 * them.
 *
 * <pre>{@code
 * SynthesizedApp app = Infrastructure.synthesize(
 *     DeploymentConfig.builder("prod", "dundermiff", "eu-west-1").images(images).build());
 * for (SynthesizedStack stack : app.stacks()) { deploy(stack.stackName(), stack.templateBody()); }
 * }</pre>
 */
public final class Infrastructure {
  private Infrastructure() {}

  /**
   * The stacks of {@code config}, each after the stacks it depends on. The stacks are
   * environment-agnostic (account and region come from the stack's pseudo parameters), so the same
   * templates deploy to any account and region, and availability zones come from {@code Fn::GetAZs}
   * rather than from a lookup.
   *
   * @throws InvalidDeploymentConfigException never for a built config (it validates itself)
   */
  public static SynthesizedApp synthesize(DeploymentConfig config) {
    return synthesize(config, app -> {});
  }

  /**
   * {@link #synthesize(DeploymentConfig)}, with {@code beforeSynthesis} called on the app once
   * every stack is in it: the seam through which tests add aspects such as cdk-nag's rules.
   */
  static SynthesizedApp synthesize(DeploymentConfig config, Consumer<App> beforeSynthesis) {
    Path outdir = createTempDirectory();
    try {
      App app =
          new App(AppProps.builder().outdir(outdir.toString()).analyticsReporting(false).build());
      Map<StackPart, Stack> stacks = new LinkedHashMap<>();
      for (Part part : PARTS) {
        if (part.present().test(config)) {
          StackPart name = part.name();
          stacks.put(
              name,
              part.stack()
                  .create(
                      app,
                      name.suffix(),
                      props(config, name, part.what()),
                      config,
                      new Built(stacks)));
        }
      }
      // CloudFormation deploys every other stack with the execution role, and deletes them with
      // it: it is created first and deleted last.
      Stack executionRole = stacks.get(StackPart.EXECUTION_ROLE);
      stacks.values().stream()
          .filter(stack -> stack != executionRole)
          .forEach(stack -> stack.addDependency(executionRole));
      // Every role the other stacks create carries the boundary the execution role stack defines:
      // the execution role may create and edit roles only with it (ExecutionRoleStack), and it
      // caps their rights at what our roles use
      // (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
      stacks.values().stream()
          .filter(stack -> stack != executionRole)
          .forEach(
              stack ->
                  software.amazon.awscdk.services.iam.PermissionsBoundary.of(stack)
                      .apply(
                          software.amazon.awscdk.services.iam.ManagedPolicy.fromManagedPolicyName(
                              stack, "RoleBoundary", ExecutionRoleStack.boundaryName(config))));
      // Listener rules take no Tags in CloudFormation's schema (cfn-lint E3002), though CDK
      // would write them.
      config
          .tags()
          .forEach(
              (key, value) ->
                  Tags.of(app)
                      .add(
                          key,
                          value,
                          TagProps.builder()
                              .excludeResourceTypes(
                                  List.of("AWS::ElasticLoadBalancingV2::ListenerRule"))
                              .build()));

      beforeSynthesis.accept(app);
      app.synth();
      List<SynthesizedStack> result = new ArrayList<>();
      for (Map.Entry<StackPart, Stack> entry : stacks.entrySet()) {
        Stack stack = entry.getValue();
        result.add(
            new SynthesizedStack(
                stack.getStackName(),
                entry.getKey(),
                Files.readString(outdir.resolve(stack.getTemplateFile())),
                stack.getDependencies().stream().map(Stack::getStackName).sorted().toList(),
                config.tags()));
      }
      return new SynthesizedApp(result);
    } catch (IOException e) {
      throw new UncheckedIOException("reading synthesized templates from " + outdir, e);
    } finally {
      deleteRecursively(outdir);
    }
  }

  /**
   * One part of a deployment: what its stack holds (for the stack's description), whether {@code
   * config} has it, and how its stack is built from the stacks of the parts before it.
   */
  private record Part(
      StackPart name, String what, Predicate<DeploymentConfig> present, StackFactory stack) {}

  @FunctionalInterface
  private interface StackFactory {
    Stack create(App app, String id, StackProps props, DeploymentConfig config, Built before);
  }

  /** The stacks built so far, by part: a part's stack takes its inputs from these. */
  private record Built(Map<StackPart, Stack> stacks) {
    <T extends Stack> T get(StackPart part, Class<T> type) {
      return type.cast(stacks.get(part));
    }
  }

  private static final Predicate<DeploymentConfig> ALWAYS = config -> true;

  /** Every part, in deployment order (StackPart's): a stack is built after those it uses. */
  private static final List<Part> PARTS =
      List.of(
          new Part(
              StackPart.EXECUTION_ROLE,
              "the role CloudFormation deploys the other stacks with",
              ALWAYS,
              (app, id, props, config, before) -> new ExecutionRoleStack(app, id, props, config)),
          new Part(
              StackPart.REGISTRY,
              "ECR repositories",
              ALWAYS,
              (app, id, props, config, before) -> new RegistryStack(app, id, props, config)),
          new Part(
              StackPart.FIREWALL,
              "WAF web ACL of the CloudFront distribution (us-east-1)",
              DeploymentConfig::cloudFrontFirewall,
              (app, id, props, config, before) -> new FirewallStack(app, id, props)),
          new Part(
              StackPart.NETWORK,
              "VPC, NAT, endpoints, security groups",
              ALWAYS,
              (app, id, props, config, before) -> new NetworkStack(app, id, props, config)),
          new Part(
              StackPart.DATABASE,
              "RDS for PostgreSQL",
              ALWAYS,
              (app, id, props, config, before) ->
                  new DatabaseStack(
                      app, id, props, config, before.get(StackPart.NETWORK, NetworkStack.class))),
          new Part(
              StackPart.GIFMACHINE,
              "ECS service, load balancer, blue/green",
              ALWAYS,
              (app, id, props, config, before) ->
                  new GifmachineStack(
                      app,
                      id,
                      props,
                      config,
                      before.get(StackPart.NETWORK, NetworkStack.class),
                      before.get(StackPart.DATABASE, DatabaseStack.class),
                      before.get(StackPart.REGISTRY, RegistryStack.class))),
          new Part(
              StackPart.MONITORING,
              "Prometheus, cDepot, Grafana",
              DeploymentConfig::monitoring,
              (app, id, props, config, before) ->
                  new MonitoringStack(
                      app,
                      id,
                      props,
                      config,
                      before.get(StackPart.NETWORK, NetworkStack.class),
                      before.get(StackPart.REGISTRY, RegistryStack.class),
                      before.get(StackPart.GIFMACHINE, GifmachineStack.class))),
          new Part(
              StackPart.EDGE,
              "CloudFront distribution, VPC origin",
              config -> config.edge() == Edge.CLOUDFRONT,
              (app, id, props, config, before) ->
                  new EdgeStack(
                      app,
                      id,
                      props,
                      config,
                      before.get(StackPart.GIFMACHINE, GifmachineStack.class))),
          new Part(
              StackPart.PIPELINE,
              "CodePipeline, CodeBuild",
              DeploymentConfig::pipeline,
              (app, id, props, config, before) ->
                  new PipelineStack(
                      app,
                      id,
                      props,
                      config,
                      before.get(StackPart.REGISTRY, RegistryStack.class),
                      before.get(StackPart.GIFMACHINE, GifmachineStack.class))));

  private static StackProps props(DeploymentConfig config, StackPart part, String what) {
    return StackProps.builder()
        .stackName(config.stackName(part))
        .description("gifmachine-on-aws " + config.deploymentName() + ": " + what)
        // No bootstrap: no asset bucket, no BootstrapVersion parameter or rule, and an error
        // at synthesis if anything tries to add an asset.
        .synthesizer(new BootstraplessSynthesizer())
        .build();
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("gifmachine-cdk-");
    } catch (IOException e) {
      throw new UncheckedIOException("creating a directory for CDK synthesis", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // A leftover temp directory is harmless; synthesis succeeded or already failed.
    }
  }
}
