/// BerthNetwork: what containers need to talk to each other and to the world.
///
/// - ``IPv4Address``, ``IPv4Subnet``, ``IPv6Address``, ``IPv6Subnet`` and ``IPAM``: addresses,
///   subnets and allocation (pure).
/// - ``PortBinding``: `-p` specs and Docker's rendering of them (pure).
/// - ``Netlink``: bridges, veth pairs (the peer made directly in the container's namespace),
///   addresses and routes over raw `AF_NETLINK` sockets; no `ip` is exec'd.
/// - ``Firewall``: Berth's own iptables chains (`BERTH`, `BERTH-POSTROUTING`, `BERTH-FORWARD`,
///   `BERTH-ISOLATION-1/2`): NAT and isolation set once per network, DNAT per published port.
/// - ``DNSMessage`` and ``DNSResponder``: the embedded DNS of user-defined networks.
///
/// It must not know about containers' records or the metadata store: the engine decides, this
/// module acts.
public enum BerthNetwork {}
