namespace Corpus
{
    // RSA.Create(512) in a comment
    /* MD5.Create() in a block comment */
    internal class Negatives
    {
        private const string Help = "RSA.Create(1024)";
        private const string Verbatim = @"ECDsa.Create(""nistP256"")";
        private const string Raw = """TripleDES.Create()""";

#if false
        private static void Old() { System.Security.Cryptography.DES.Create(); }
#endif

        private static object Create(int bits) => bits;
        private static object Local() => MyRSA.Create(1024);
        private char Quote() => '"';
    }

    internal static class MyRSA
    {
        internal static object Create(int bits) => bits;
    }
}
