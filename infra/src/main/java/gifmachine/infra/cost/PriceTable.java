package gifmachine.infra.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * A dated table of on-demand prices per region, with the usage assumptions that turn them into a
 * monthly figure (load balancer capacity units, log volume, …). The bundled table is the resource
 * {@code gifmachine/infra/cost/prices.json}; tests load their own.
 */
public record PriceTable(
    String date,
    String currency,
    String source,
    double hoursPerMonth,
    Assumptions assumptions,
    CloudFrontFreeTier cloudFrontFreeTier,
    Map<String, RegionPrices> regions) {

  /** Usage that prices per unit need; each shows up in the report. */
  public record Assumptions(
      double loadBalancerCapacityUnits,
      double natGatewayGbPerMonth,
      double logsGbPerMonth,
      double efsGb,
      double rootVolumeGb,
      double wafMillionRequestsPerMonth,
      double cloudFrontGbOutPerMonth,
      double cloudFrontMillionRequestsPerMonth) {}

  /**
   * CloudFront's always-free monthly allowance (since 2021-12-01, per account, every edge
   * location): data out to the internet and HTTP(S) requests.
   * https://aws.amazon.com/cloudfront/pricing/
   */
  public record CloudFrontFreeTier(double gbOut, double millionRequests) {}

  /** Fargate price of one CPU architecture. */
  public record FargatePrices(double vcpuHourly, double gbHourly) {}

  /** One region's prices, in {@link PriceTable#currency()}. */
  public record RegionPrices(
      Map<String, Double> ec2Hourly,
      Map<String, Double> ebsGbMonth,
      double natGatewayHourly,
      double natGatewayPerGb,
      double applicationLoadBalancerHourly,
      double applicationLoadBalancerLcuHourly,
      double networkLoadBalancerHourly,
      double networkLoadBalancerNlcuHourly,
      Map<String, FargatePrices> fargate,
      Map<String, FargatePrices> fargateSpot,
      Map<String, Double> rdsHourly,
      Map<String, Double> rdsStorageGbMonth,
      double secretMonthly,
      double publicIpv4Hourly,
      double efsStandardGbMonth,
      double logsIngestPerGb,
      double logsStorageGbMonth,
      double interfaceEndpointHourly,
      double wafWebAclMonthly,
      double wafRuleMonthly,
      double wafPerMillionRequests,
      double codePipelineV2PerActionMinute,
      double cloudFrontPerGbOut,
      double cloudFrontPer10kHttpsRequests) {}

  public PriceTable {
    regions = Map.copyOf(regions);
  }

  /** The table shipped with the infra module. */
  public static PriceTable bundled() {
    return load(PriceTable.class.getResourceAsStream("/gifmachine/infra/cost/prices.json"));
  }

  public static PriceTable load(InputStream json) {
    if (json == null) {
      throw new IllegalStateException("price table: resource not found");
    }
    try (json) {
      return new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .readValue(json, PriceTable.class);
    } catch (IOException e) {
      throw new UncheckedIOException("price table: not readable", e);
    }
  }

  public Optional<RegionPrices> region(String name) {
    return Optional.ofNullable(regions.get(name));
  }
}
