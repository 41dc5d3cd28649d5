using System.Net;
using System.Net.Sockets;

namespace EasyMo.Infrastructure.WhatsApp;

/// <summary>
/// Whether an IP address is one of the internet's: the media download sends the WhatsApp token, so it connects only to
/// addresses outside every range that reaches this host, its network or its provider's (review L2). An IPv6 address
/// that carries an IPv4 one (mapped, NAT64, 6to4) is judged by the IPv4 address it reaches.
/// </summary>
internal static class PublicAddress
{
    // RFC 6890 and the IANA special-purpose registries: none of these is where Meta's CDN serves media from.
    private static readonly IPNetwork[] NotPublicV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network", 0.0.0.0 unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // private
        IPNetwork.Parse("100.64.0.0/10"),    // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local (cloud metadata services live here)
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),     // documentation
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),  // documentation
        IPNetwork.Parse("203.0.113.0/24"),   // documentation
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, 255.255.255.255 broadcast
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    private static readonly IPNetwork[] NotPublicV6 =
    [
        IPNetwork.Parse("2001::/32"),        // Teredo (its IPv4 address is obfuscated: refused outright)
        IPNetwork.Parse("2001:db8::/32"),    // documentation
        IPNetwork.Parse("3fff::/20"),        // documentation
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// True for an address on the public internet; false for loopback, private, link-local, unique-local, site-local,
    /// multicast, unspecified, CGNAT, documentation and reserved ranges, and IPv6 forms carrying such an IPv4 address.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !NotPublicV4.Any(network => network.Contains(address));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (SixToFour.Contains(address))
        {
            return IsPublic(new IPAddress(bytes.AsSpan(2, 4)));
        }

        // Outside 2000::/3 is everything that is not global unicast: ::, ::1, IPv4-compatible ::a.b.c.d, 100::/64
        // (discard), fc00::/7 (unique-local), fe80::/10 (link-local), fec0::/10 (site-local), ff00::/8 (multicast), and
        // 64:ff9b:1::/48 (local-use NAT64).
        return GlobalUnicastV6.Contains(address) && !NotPublicV6.Any(network => network.Contains(address));
    }
}
