package gifmachine.cli.aws;

import gifmachine.cli.aws.AwsCallException.Kind;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns SDK exceptions into {@link AwsCallException}s with a {@link Kind}, in one place, so that no
 * caller above {@code aws/} sees an SDK type.
 */
final class AwsErrors {

  private static final Set<String> THROTTLING =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "ProvisionedThroughputExceededException",
          "SlowDown");
  private static final Set<String> CREDENTIALS =
      Set.of(
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "ExpiredTokenException",
          "UnrecognizedClientException",
          "AuthFailure",
          "InvalidAccessKeyId",
          "MissingAuthenticationToken");
  private static final Set<String> NOT_FOUND =
      Set.of(
          "ResourceNotFoundException",
          "NoSuchBucket",
          "RepositoryNotFoundException",
          "ClusterNotFoundException",
          "ServiceNotFoundException",
          "NoSuchEntity",
          "TargetGroupNotFound",
          "NotFound",
          "DBSnapshotNotFound",
          "ParameterNotFound");

  private AwsErrors() {}

  static <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw translate(operation, e);
    }
  }

  static void run(String operation, Runnable call) {
    call(
        operation,
        () -> {
          call.run();
          return null;
        });
  }

  static AwsCallException translate(String operation, SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() == null
              ? ""
              : String.valueOf(service.awsErrorDetails().errorCode());
      String message =
          service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
              ? service.getMessage()
              : service.awsErrorDetails().errorMessage();
      Kind kind;
      if (service.isThrottlingException() || THROTTLING.contains(code)) {
        kind = Kind.THROTTLED;
      } else if (CREDENTIALS.contains(code)) {
        kind = Kind.CREDENTIALS;
      } else if (code.startsWith("AccessDenied")
          || code.equals("UnauthorizedOperation")
          || service.statusCode() == 403) {
        // A denied HEAD (S3's HeadObject) has no body to name an error code: its 403 says it.
        kind = Kind.ACCESS_DENIED;
      } else if (NOT_FOUND.contains(code)
          || service.statusCode() == 404
          || message.toLowerCase(Locale.ROOT).contains("does not exist")) {
        kind = Kind.NOT_FOUND;
      } else {
        kind = Kind.REJECTED;
      }
      return new AwsCallException(kind, operation, message, e);
    }
    String message = String.valueOf(e.getMessage());
    if (e instanceof SdkClientException
        && message.toLowerCase(Locale.ROOT).contains("credentials")) {
      // The SDK lists every provider it tried; the first clause is what a user can act on.
      int chain = message.indexOf(" AwsCredentialsProviderChain(");
      String brief = chain > 0 ? message.substring(0, chain).strip() : firstLine(message);
      return new AwsCallException(Kind.CREDENTIALS, operation, brief, e);
    }
    return new AwsCallException(Kind.UNREACHABLE, operation, firstLine(message), e);
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
