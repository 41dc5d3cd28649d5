using System.Net;
using EasyMo.Infrastructure.WhatsApp;

namespace EasyMo.UnitTests.WhatsApp;

/// <summary>The addresses the media download (which carries the WhatsApp token) may connect to (review L2).</summary>
public sealed class PublicAddressTests
{
    [Theory]
    [InlineData("0.0.0.0")]            // unspecified
    [InlineData("0.1.2.3")]            // "this network"
    [InlineData("10.0.0.1")]           // private
    [InlineData("10.255.255.255")]
    [InlineData("100.64.0.1")]         // CGNAT
    [InlineData("100.127.255.254")]
    [InlineData("127.0.0.1")]          // loopback
    [InlineData("127.255.0.9")]
    [InlineData("169.254.169.254")]    // link-local: the cloud metadata service
    [InlineData("172.16.0.1")]         // private
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.8")]          // IETF protocol assignments
    [InlineData("192.0.2.10")]         // documentation
    [InlineData("192.168.1.1")]        // private
    [InlineData("198.18.0.1")]         // benchmarking
    [InlineData("198.51.100.7")]       // documentation
    [InlineData("203.0.113.9")]        // documentation
    [InlineData("224.0.0.1")]          // multicast
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]          // reserved
    [InlineData("255.255.255.255")]    // broadcast
    public void Every_non_public_IPv4_range_is_refused(string address) =>
        PublicAddress.IsPublic(IPAddress.Parse(address)).ShouldBeFalse();

    [Theory]
    [InlineData("::")]                         // unspecified
    [InlineData("::1")]                        // loopback
    [InlineData("::a00:1")]                    // IPv4-compatible ::10.0.0.1 (deprecated)
    [InlineData("100::1")]                     // discard-only
    [InlineData("fc00::1")]                    // unique-local
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]                    // link-local
    [InlineData("fe80::1%2")]
    [InlineData("febf::1")]
    [InlineData("fec0::1")]                    // site-local (deprecated)
    [InlineData("ff02::1")]                    // multicast
    [InlineData("ff0e::101")]
    [InlineData("2001:db8::1")]                // documentation
    [InlineData("3fff::1")]                    // documentation
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("64:ff9b:1::1")]               // local-use NAT64
    public void Every_non_public_IPv6_range_is_refused(string address) =>
        PublicAddress.IsPublic(IPAddress.Parse(address)).ShouldBeFalse();

    [Theory]
    [InlineData("::ffff:127.0.0.1")]           // IPv4-mapped forms of the IPv4 ranges
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:100.64.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:172.16.5.4")]
    [InlineData("::ffff:192.168.0.1")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::ffff:224.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]            // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")]         // NAT64 of 169.254.169.254
    [InlineData("2002:c0a8:101::1")]           // 6to4 of 192.168.1.1
    [InlineData("2002:7f00:1::1")]             // 6to4 of 127.0.0.1
    public void IPv6_forms_of_a_non_public_IPv4_address_are_refused(string address) =>
        PublicAddress.IsPublic(IPAddress.Parse(address)).ShouldBeFalse();

    [Theory]
    [InlineData("157.240.22.35")]              // Meta
    [InlineData("31.13.84.36")]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")]             // just below CGNAT
    [InlineData("100.128.0.0")]                // just above it
    [InlineData("172.15.255.255")]             // just outside 172.16/12
    [InlineData("172.32.0.0")]
    [InlineData("192.169.0.1")]
    [InlineData("223.255.255.254")]            // just below multicast
    [InlineData("2a03:2880:f12f:83:face:b00c:0:25de")] // Meta
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:157.240.22.35")]       // mapped public
    [InlineData("64:ff9b::9df0:1623")]         // NAT64 of 157.240.22.35
    [InlineData("2002:9df0:1623::1")]          // 6to4 of 157.240.22.35
    public void Internet_addresses_are_public(string address) =>
        PublicAddress.IsPublic(IPAddress.Parse(address)).ShouldBeTrue();
}
