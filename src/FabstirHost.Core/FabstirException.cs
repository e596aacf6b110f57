using System;

namespace FabstirHost.Core
{
    /// <summary>
    /// The kind of failure, named after PowerShell's ErrorCategory values so the cmdlet layer can
    /// map it without the core referencing PowerShell.
    /// </summary>
    public enum FabstirErrorCategory
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        ObjectNotFound,
        ResourceExists,
        ResourceUnavailable,
        ConnectionError,
        OperationTimeout,
        PermissionDenied,
        SecurityError,
        NotInstalled,
        LimitsExceeded,
        OperationStopped,
        DeviceError,
        ProtocolError,
        InvalidResult,
    }

    /// <summary>
    /// A failure the user can act on: a stable identifier, a category, the object it concerns and a
    /// message that says what was wrong and what to do.
    /// </summary>
    public class FabstirException : Exception
    {
        public FabstirException(
            string errorId,
            FabstirErrorCategory category,
            string message,
            object? target = null,
            Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
        }

        /// <summary>Stable PascalCase identifier that scripts and tests can match on.</summary>
        public string ErrorId { get; }

        public FabstirErrorCategory Category { get; }

        /// <summary>The file, URL, process or address the failure is about.</summary>
        public object? Target { get; }

        /// <summary>An optional suggestion shown after the message.</summary>
        public string? RecommendedAction { get; set; }
    }
}
