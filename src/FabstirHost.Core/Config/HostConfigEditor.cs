using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Models;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace FabstirHost.Core.Config
{
    /// <summary>An edit of <c>config.json</c>, validated and ready to save.</summary>
    public sealed class HostConfigEdit
    {
        internal HostConfigEdit(JObject json, HostConfig result, IReadOnlyList<string> changes)
        {
            Json = json;
            Result = result;
            Changes = changes;
        }

        /// <summary>The configuration as it will be once saved.</summary>
        public HostConfig Result { get; }

        /// <summary>One line per field that changes, e.g. <c>apiPort: 8080 -> 9000</c>.</summary>
        public IReadOnlyList<string> Changes { get; }

        internal JObject Json { get; }
    }

    /// <summary>
    /// Changes fields of <c>config.json</c> and leaves every other field, including ones this
    /// version does not know, exactly as it was. Everything is validated before anything is
    /// written; a damaged file is reported and never replaced; the write is atomic.
    /// </summary>
    public static class HostConfigEditor
    {
        private static readonly JsonSerializer Serializer = JsonSerializer.Create(JsonSettings.Indented);

        /// <summary>Validates the changes and applies them to the saved file's content, in memory.</summary>
        public static HostConfigEdit Prepare(
            FabstirPaths paths,
            HostConfigChanges changes,
            IOperationLog? log = null)
        {
            log ??= NullOperationLog.Instance;
            JObject json = Load(paths);
            var edit = new JsonEdit(json);
            ApplyNode(edit, changes, log);
            ApplyEnvironment(edit, changes.Environment, ReadConfig(json, paths).Environment);
            ApplyChain(edit, changes);

            HostConfig result = ReadConfig(json, paths);
            if (changes.ApiPort != null || changes.P2PPort != null)
            {
                int apiPort = result.ApiPort ?? Network.DiagnosticsOptions.DefaultApiPort;
                HostConfigRules.CheckPortsApart(apiPort, result.P2PPort ?? apiPort + 1);
            }

            return new HostConfigEdit(json, result, edit.Changes);
        }

        public static void Save(FabstirPaths paths, HostConfigEdit edit)
        {
            paths.EnsureCreated();
            SecureFile.WriteAllTextAtomic(paths.ConfigFile, edit.Json.ToString(Formatting.Indented));
        }

        private static JObject Load(FabstirPaths paths)
        {
            JObject? json = HostConfigStore.LoadJson(paths);
            ReadConfig(json ?? new JObject(), paths);
            return json ?? new JObject();
        }

        /// <summary>The typed view of the JSON; a field of the wrong type means the file is damaged.</summary>
        private static HostConfig ReadConfig(JObject json, FabstirPaths paths)
        {
            try
            {
                return json.ToObject<HostConfig>(Serializer) ?? new HostConfig();
            }
            catch (JsonException ex)
            {
                throw new FabstirException(
                    HostConfigStore.DamagedErrorId,
                    FabstirErrorCategory.InvalidData,
                    $"The file '{paths.ConfigFile}' is damaged and was left as it is: {ex.Message} " +
                    "Repair it, or move it aside to start afresh.",
                    paths.ConfigFile,
                    ex);
            }
        }

        private static void ApplyNode(JsonEdit edit, HostConfigChanges changes, IOperationLog log)
        {
            if (changes.NodePath != null)
            {
                string path = HostConfigRules.AbsolutePath(changes.NodePath, "node binary");
                WarnIfMissing(path, "node binary", log);
                edit.Set(nameof(HostConfig.NodePath), path);
            }

            if (changes.ModelPath != null)
            {
                string path = HostConfigRules.AbsolutePath(changes.ModelPath, "model file");
                WarnIfNotAModel(path, log);
                edit.Set(nameof(HostConfig.ModelPath), path);
            }

            if (changes.ApiPort != null)
            {
                edit.Set(nameof(HostConfig.ApiPort), HostConfigRules.ApiPort(changes.ApiPort.Value));
            }

            if (changes.P2PPort != null)
            {
                edit.Set(nameof(HostConfig.P2PPort), HostConfigRules.P2PPort(changes.P2PPort.Value));
            }

            if (changes.LogLevel != null)
            {
                edit.Set(nameof(HostConfig.LogLevel), HostConfigRules.LogLevel(changes.LogLevel));
            }

            if (changes.PublicUrl != null)
            {
                string url = HostConfigRules.PublicUrl(changes.PublicUrl);
                string? localOnly = Network.UrlRules.LocalOnlyReason(new Uri(url));
                if (localOnly != null)
                {
                    log.Warning($"The public URL '{Network.UrlRules.Redact(url)}' cannot be reached from the " +
                        $"internet: {localOnly}.");
                }

                edit.Set(nameof(HostConfig.PublicUrl), url);
            }
        }

        private static void ApplyEnvironment(
            JsonEdit edit,
            IDictionary<string, string?>? changes,
            Dictionary<string, string>? saved)
        {
            if (changes == null || changes.Count == 0)
            {
                return;
            }

            var merged = new SortedDictionary<string, string>(
                saved ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var entry in changes)
            {
                if (string.IsNullOrEmpty(entry.Value))
                {
                    // Removing is allowed for any name, so a secret saved by hand can be cleaned up.
                    merged.Remove(entry.Key);
                    continue;
                }

                HostConfigRules.EnvironmentEntry(entry.Key, entry.Value);
                merged[entry.Key] = entry.Value!;
            }

            edit.Set(nameof(HostConfig.Environment), merged.Count == 0 ? null : JObject.FromObject(merged));
        }

        private static void ApplyChain(JsonEdit edit, HostConfigChanges changes)
        {
            if (changes.RpcUrl == null && changes.ChainId == null && changes.Contracts.Count == 0)
            {
                return;
            }

            JsonEdit chain = edit.Child(nameof(HostConfig.Chain));
            if (changes.ChainId != null)
            {
                chain.Set(nameof(ChainSettings.ChainId), HostConfigRules.ChainId(changes.ChainId.Value));
            }

            if (changes.RpcUrl != null)
            {
                chain.Set(nameof(ChainSettings.RpcUrl), HostConfigRules.RpcUrl(changes.RpcUrl));
            }

            if (changes.Contracts.Count == 0)
            {
                return;
            }

            JsonEdit contracts = chain.Child(nameof(ChainSettings.Contracts));
            foreach (var entry in changes.Contracts)
            {
                string address = HostConfigRules.ContractAddress(entry.Key, entry.Value);

                // config.json may name a contract by its key or by its environment variable.
                contracts.SetKey(entry.Key.ConfigKey, address, entry.Key.EnvironmentName);
            }
        }

        private static void WarnIfMissing(string path, string what, IOperationLog log)
        {
            if (!File.Exists(path))
            {
                log.Warning(
                    $"The {what} '{path}' does not exist yet; Start-FabstirNode refuses it until it does.");
            }
        }

        private static void WarnIfNotAModel(string path, IOperationLog log)
        {
            try
            {
                ModelFile.EnsureGguf(path);
            }
            catch (FabstirException ex)
            {
                // Saved all the same: the model may still be downloading.
                log.Warning(ex.Message);
            }
        }

        /// <summary>
        /// Edits one JSON object in place: a field is matched ignoring case (JSON written by hand),
        /// replaced where it stands under the name the module writes, and recorded as a change.
        /// </summary>
        private sealed class JsonEdit
        {
            private readonly JObject _json;
            private readonly string _prefix;
            private readonly List<string> _changes;

            public JsonEdit(JObject json, string prefix = "", List<string>? changes = null)
            {
                _json = json;
                _prefix = prefix;
                _changes = changes ?? new List<string>();
            }

            public IReadOnlyList<string> Changes => _changes;

            public void Set(string clrName, object? value)
            {
                SetKey(JsonSettings.PropertyName(clrName), value);
            }

            /// <summary>Sets a field named exactly <paramref name="key"/>, replacing any alias of it.</summary>
            public void SetKey(string key, object? value, params string[] aliases)
            {
                JToken? token = value == null ? null : value as JToken ?? new JValue(value);
                var matches = _json.Properties()
                    .Where(p => Matches(p.Name, key) || aliases.Any(alias => Matches(p.Name, alias)))
                    .ToList();
                JToken? before = matches.FirstOrDefault()?.Value;
                if (matches.Count == 1 && JToken.DeepEquals(before, token) && matches[0].Name == key)
                {
                    return;
                }

                _changes.Add($"{_prefix}{key}: {Show(before)} -> {Show(token)}");
                var replacement = token == null ? null : new JProperty(key, token);
                if (matches.Count == 0)
                {
                    _json.Add(replacement);
                    return;
                }

                matches.Skip(1).ToList().ForEach(p => p.Remove());
                if (replacement == null)
                {
                    matches[0].Remove();
                }
                else
                {
                    matches[0].Replace(replacement);
                }
            }

            /// <summary>The edit of a nested object, created (or replacing a non-object) when needed.</summary>
            public JsonEdit Child(string clrName)
            {
                string key = JsonSettings.PropertyName(clrName);
                JProperty? existing = _json.Properties().FirstOrDefault(p => Matches(p.Name, key));
                if (!(existing?.Value is JObject child))
                {
                    child = new JObject();
                    existing?.Remove();
                    _json.Add(new JProperty(key, child));
                }

                return new JsonEdit(child, _prefix + key + ".", _changes);
            }

            private static bool Matches(string name, string key) =>
                string.Equals(name, key, StringComparison.OrdinalIgnoreCase);

            private static string Show(JToken? token)
            {
                if (token == null || token.Type == JTokenType.Null)
                {
                    return "(none)";
                }

                return token.Type == JTokenType.Object
                    ? "{" + string.Join(", ", ((JObject)token).Properties().Select(p => p.Name)) + "}"
                    : Convert.ToString(((JValue)token).Value, CultureInfo.InvariantCulture) ?? "(none)";
            }
        }
    }
}
