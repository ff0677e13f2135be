package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.app.db.DatabaseSettings;
import gifmachine.app.gif.SearchCache;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GifmachineConfigTest {

  static Stream<Arguments> databaseUrls() {
    return Stream.of(
        Arguments.of(
            Map.of("DATABASE_URL", "postgres://gif:p%40ss@db.example:6543/gifs"),
            "jdbc:postgresql://db.example:6543/gifs?sslmode=prefer",
            "gif",
            "p@ss"),
        Arguments.of(
            Map.of("DATABASE_URL", "postgresql://gif@db/gifs?sslmode=disable"),
            "jdbc:postgresql://db:5432/gifs?sslmode=disable",
            "gif",
            ""),
        Arguments.of(
            Map.of(
                "DATABASE_URL",
                "jdbc:postgresql://db:5432/gifs?user=a&password=b",
                "DATABASE_SSLMODE",
                "require"),
            "jdbc:postgresql://db:5432/gifs?user=a&password=b&sslmode=require",
            "",
            ""),
        Arguments.of(
            Map.of(
                "DATABASE_HOST",
                "rds.example",
                "DATABASE_PORT",
                "5433",
                "DATABASE_NAME",
                "g",
                "DATABASE_USER",
                "u",
                "DATABASE_PASSWORD",
                "pw",
                "DATABASE_SSLMODE",
                "require"),
            "jdbc:postgresql://rds.example:5433/g?sslmode=require",
            "u",
            "pw"),
        Arguments.of(
            Map.of("DATABASE_HOST", "rds.example", "DATABASE_USER", "u"),
            "jdbc:postgresql://rds.example:5432/gifmachine?sslmode=prefer",
            "u",
            ""));
  }

  @ParameterizedTest
  @MethodSource("databaseUrls")
  void database_settings_come_from_the_url_or_the_separate_variables(
      Map<String, String> database, String jdbcUrl, String user, String password) {
    var env = new java.util.HashMap<>(database);
    env.put("GIFMACHINE_PASSWORD", "s3cret");

    GifmachineConfig config = GifmachineConfig.fromEnvironment(env);

    assertThat(config.database()).isEqualTo(DatabaseSettings.external(jdbcUrl, user, password));
    assertThat(config.localMode()).isFalse();
    assertThat(config.port()).isEqualTo(4567);
    assertThat(config.toString()).doesNotContain("s3cret");
    assertThat(config.database().toString()).doesNotContain("p@ss").doesNotContain("pw,");
  }

  @org.junit.jupiter.api.Test
  void the_pool_size_the_deployment_gives_each_task_is_read_from_the_environment() {
    var env =
        Map.of(
            "DATABASE_HOST", "rds.example", "DATABASE_POOL_SIZE", "8", "GIFMACHINE_PASSWORD", "x");

    assertThat(GifmachineConfig.fromEnvironment(env).database())
        .isEqualTo(
            new DatabaseSettings.External(
                "jdbc:postgresql://rds.example:5432/gifmachine?sslmode=prefer", "", "", 8));
    assertThat(
            GifmachineConfig.fromEnvironment(
                    Map.of("DATABASE_URL", "postgres://u@db/g", "GIFMACHINE_PASSWORD", "x"))
                .database())
        .extracting(settings -> ((DatabaseSettings.External) settings).maximumPoolSize())
        .isEqualTo(16);
  }

  static Stream<Arguments> badEnvironments() {
    return Stream.of(
        Arguments.of(
            Map.of("DATABASE_URL", "postgres://u:p@db/g"), "GIFMACHINE_PASSWORD is not set"),
        Arguments.of(Map.of("DATABASE_HOST", "db"), "GIFMACHINE_PASSWORD is not set"),
        Arguments.of(Map.of("PORT", "http"), "PORT is not a port number"),
        Arguments.of(Map.of("PORT", "70000"), "PORT is not a port number"),
        Arguments.of(
            Map.of("DATABASE_URL", "mysql://u:secretpw@db/g", "GIFMACHINE_PASSWORD", "x"),
            "DATABASE_URL is not usable: it must start with"),
        Arguments.of(
            Map.of("DATABASE_USER", "u", "GIFMACHINE_PASSWORD", "x"),
            "DATABASE_USER is set but DATABASE_HOST is not"),
        Arguments.of(
            Map.of("DATABASE_HOST", "db", "DATABASE_PORT", "five", "GIFMACHINE_PASSWORD", "x"),
            "DATABASE_PORT is not a port number"),
        Arguments.of(
            Map.of("DATABASE_HOST", "db", "DATABASE_POOL_SIZE", "0", "GIFMACHINE_PASSWORD", "x"),
            "DATABASE_POOL_SIZE is not a pool size"),
        Arguments.of(
            Map.of("DATABASE_HOST", "db", "DATABASE_POOL_SIZE", "lots", "GIFMACHINE_PASSWORD", "x"),
            "DATABASE_POOL_SIZE is not a pool size"),
        Arguments.of(
            Map.of("GIFMACHINE_SEARCH_CACHE_MB", "-1"),
            "GIFMACHINE_SEARCH_CACHE_MB is not a size in megabytes"),
        Arguments.of(
            Map.of("GIFMACHINE_SEARCH_CACHE_MB", "8MB"),
            "GIFMACHINE_SEARCH_CACHE_MB is not a size in megabytes"),
        Arguments.of(
            Map.of("GIFMACHINE_SEARCH_CACHE_MB", "4096"),
            "GIFMACHINE_SEARCH_CACHE_MB is not a size in megabytes"));
  }

  @Test
  void the_search_cache_size_is_read_in_megabytes_and_zero_turns_it_off() {
    assertThat(GifmachineConfig.fromEnvironment(Map.of()).searchCacheBytes())
        .isEqualTo(SearchCache.DEFAULT_MAX_BYTES)
        .isEqualTo(8L << 20);
    assertThat(
            GifmachineConfig.fromEnvironment(Map.of("GIFMACHINE_SEARCH_CACHE_MB", " 32 "))
                .searchCacheBytes())
        .isEqualTo(32L << 20);
    assertThat(
            GifmachineConfig.fromEnvironment(Map.of("GIFMACHINE_SEARCH_CACHE_MB", "0"))
                .searchCacheBytes())
        .isZero();
  }

  @ParameterizedTest
  @MethodSource("badEnvironments")
  void bad_configuration_is_refused_with_what_happened_and_what_to_do(
      Map<String, String> env, String message) {
    assertThatThrownBy(() -> GifmachineConfig.fromEnvironment(env))
        .isInstanceOf(GifmachineStartupException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining("secretpw")
        .satisfies(e -> assertThat(((GifmachineStartupException) e).hint()).isNotBlank());
  }

  @Test
  void without_database_settings_it_is_local_mode_with_a_generated_password() {
    GifmachineConfig config =
        GifmachineConfig.fromEnvironment(Map.of("GIFMACHINE_DATA_DIR", "/tmp/gm", "PORT", "8123"));

    assertThat(config.localMode()).isTrue();
    assertThat(config.database()).isEqualTo(DatabaseSettings.embedded(Path.of("/tmp/gm")));
    assertThat(config.passwordGenerated()).isTrue();
    assertThat(config.password()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(config.port()).isEqualTo(8123);
    assertThat(GifmachineConfig.fromEnvironment(Map.of()).password())
        .isNotEqualTo(config.password());
  }

  @Test
  void local_mode_keeps_a_given_password_and_defaults_its_data_dir() {
    GifmachineConfig config =
        GifmachineConfig.fromEnvironment(Map.of("GIFMACHINE_PASSWORD", "mine"));

    assertThat(config.password()).isEqualTo("mine");
    assertThat(config.passwordGenerated()).isFalse();
    assertThat(config.database()).isEqualTo(DatabaseSettings.embedded(Path.of(".gifmachine")));
  }

  @Test
  void the_local_factory_listens_on_loopback_only() {
    GifmachineConfig config = GifmachineConfig.local(Path.of("/tmp/x"), 0);

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.localMode()).isTrue();
    assertThat(config.passwordGenerated()).isTrue();
  }
}
