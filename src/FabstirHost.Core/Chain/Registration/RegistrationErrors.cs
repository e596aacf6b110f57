namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>The stable ErrorIds of registration, for scripts and tests to match on.</summary>
    public static class RegistrationErrors
    {
        public const string InvalidPublicUrl = "InvalidPublicUrl";
        public const string PublicUrlPortMissing = "PublicUrlPortMissing";
        public const string ModelMissing = "ModelMissing";
        public const string ModelNotApproved = "ModelNotApproved";
        public const string ModelNotServed = "ModelNotServed";
        public const string ModelPathMissing = "ModelPathMissing";
        public const string ConflictingPriceParameters = "ConflictingPriceParameters";
        public const string MetadataSecretRefused = "MetadataSecretRefused";
        public const string MetadataInvalid = "MetadataInvalid";
        public const string InsufficientStake = "InsufficientStake";
        public const string HostNotActive = "HostNotActive";
        public const string PublicUrlUnreachable = "PublicUrlUnreachable";
    }
}
