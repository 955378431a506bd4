package dev.solo.client;

import java.util.List;

/**
 * What a service said about its methods ({@code methods()}) when its live version was deployed.
 *
 * @param service the service name
 * @param version the version that describes itself
 * @param methods its described methods
 */
public record ServiceDescription(String service, int version, List<MethodInfo> methods) {

  /** Copies the methods. */
  public ServiceDescription {
    methods = List.copyOf(methods);
  }

  static ServiceDescription from(dev.solo.proto.v1.DescribeResponse r) {
    return new ServiceDescription(
        r.getService(), r.getVersion(), r.getMethodsList().stream().map(MethodInfo::from).toList());
  }
}
