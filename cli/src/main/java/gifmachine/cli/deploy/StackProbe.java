package gifmachine.cli.deploy;

/**
 * Called on every poll while the engine waits for a stack, so what the stack waits for (ECS's
 * blue/green deployment of the service) is shown in the same rhythm as the stack's own events, on
 * the same thread, with the same clock.
 */
@FunctionalInterface
public interface StackProbe {

  StackProbe NONE = stackName -> {};

  /** One look at whatever the stack is waiting for; must not throw. */
  void poll(String stackName);
}
