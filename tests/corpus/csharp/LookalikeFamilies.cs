using System;
using System.Net.NetworkInformation;

namespace Example.Warehouse
{
    /// <summary>Warehouse tools: words of cryptography, none of it is (one look-alike per family).</summary>
    public static class LookalikeFamilies
    {
        public static string ImportFromPem(string label) => label.Trim();

        public static double Exchange(double amount, double rate) => amount * rate;

        public static string Sign(string document, string clerk) => document + "\n-- " + clerk;

        public static void Tools(NetworkInterface nic)
        {
            var label = ImportFromPem(" shelf A7 ");
            var change = Exchange(12, 1.08);
            var signed = Sign("invoice 7", "The Keeper");
            var mac = nic.GetPhysicalAddress().ToString();
            // var kdf = new Rfc2898DeriveBytes(password, salt, 1000) lives in the login service
            Console.WriteLine($"{label} {change} {signed} {mac}");
            Console.WriteLine("tokens are signed with {0}", "RS256");
#if false
            var tls = System.Security.Authentication.SslProtocols.Tls;
#endif
        }
    }
}
