<#
.SYNOPSIS
    Writes the module's cmdlet help (MAML) from what PowerShell reports about each cmdlet and the
    C# XML documentation comments of the cmdlet classes.

.DESCRIPTION
    Runs in a fresh pwsh after the module is laid out. For each exported cmdlet it takes the
    parameter sets, types, positions and pipeline bindings from Get-Command, and the synopsis,
    description, parameter descriptions and examples from FabstirHost.xml:

        /// <summary>
        /// <para type="synopsis">One line.</para>
        /// <para type="description">Paragraphs.</para>
        /// </summary>
        /// <example><code>Get-Thing -Name x</code><para>What it does.</para></example>

    Parameters are described by the <summary> of their property.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDirectory
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$manifest = Join-Path $ModuleDirectory 'FabstirHost.psd1'
$module = Import-Module $manifest -PassThru -Force
[xml] $docs = Get-Content (Join-Path $ModuleDirectory 'FabstirHost.xml') -Raw
$members = @{}
foreach ($member in $docs.doc.members.member) { $members[$member.name] = $member }

$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters +
    [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Get-PlainText($node) {
    if ($null -eq $node) { return '' }
    $text = if ($node -is [string]) { $node } else { $node.InnerText }
    return (($text -split "`n") | ForEach-Object Trim | Where-Object { $_ }) -join ' '
}

function Get-Paragraphs($summary, [string] $type) {
    if ($null -eq $summary) { return @() }
    $paragraphs = @($summary.SelectNodes('para') | Where-Object { $_.GetAttribute('type') -eq $type })
    return @($paragraphs | ForEach-Object { Get-PlainText $_ })
}

function Format-TypeName([type] $type) {
    if ($type.IsArray) { return (Format-TypeName $type.GetElementType()) + '[]' }
    if ($type.IsGenericType -and $type.GetGenericTypeDefinition() -eq [Nullable`1]) {
        return Format-TypeName $type.GetGenericArguments()[0]
    }

    return $type.Name
}

# The value a parameter has when it is not given, when that says something: numbers, texts,
# enums and arrays, not nulls, false switches or empty collections.
function Get-DefaultText($instance, $parameter) {
    $property = $instance.GetType().GetProperty($parameter.Name)
    if ($null -eq $property) { return $null }
    $value = $property.GetValue($instance)
    if ($null -eq $value -or $value -is [System.Management.Automation.SwitchParameter]) { return $null }
    if ($value -is [System.Collections.IEnumerable] -and $value -isnot [string]) {
        $items = @($value)
        if ($items.Count -eq 0) { return $null }
        return $items -join ', '
    }

    if ($value -is [bool] -and -not $value) { return $null }
    return [string] $value
}

function Get-PipelineText($attribute) {
    $kinds = @()
    if ($attribute.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($attribute.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds.Count -eq 0) { return 'False' }
    return "True ($($kinds -join ', '))"
}

function Get-PositionText($attribute) {
    if ($attribute.Position -ge 0) { return [string] ($attribute.Position + 1) }
    return 'named'
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$helpDirectory = Join-Path $ModuleDirectory 'en-US'
New-Item -ItemType Directory -Force $helpDirectory | Out-Null
$writer = [System.Xml.XmlWriter]::Create((Join-Path $helpDirectory 'FabstirHost.dll-Help.xml'), $settings)

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Para([string] $text) {
    $writer.WriteElementString('para', $maml, $text)
}

function Write-Description([string[]] $paragraphs) {
    $writer.WriteStartElement('description', $maml)
    foreach ($paragraph in $paragraphs) { Write-Para $paragraph }
    $writer.WriteEndElement()
}

$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')

foreach ($cmdlet in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $typeName = $cmdlet.ImplementingType.FullName
    $classDoc = $members["T:$typeName"]
    $summary = if ($classDoc) { $classDoc.SelectSingleNode('summary') } else { $null }
    $synopsis = @(Get-Paragraphs $summary 'synopsis') -join ' '
    $description = @(Get-Paragraphs $summary 'description')

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

    $writer.WriteStartElement('details', $command)
    $writer.WriteElementString('name', $command, $cmdlet.Name)
    Write-Description @($synopsis)
    $writer.WriteElementString('verb', $command, $cmdlet.Verb)
    $writer.WriteElementString('noun', $command, $cmdlet.Noun)
    $writer.WriteEndElement()
    Write-Description $description

    $parameterDocs = @{}
    foreach ($parameter in $cmdlet.Parameters.Values) {
        if ($commonParameters -contains $parameter.Name) { continue }
        # Parameters inherited from a base class (e.g. the chain parameters) are documented there.
        $declaringType = $cmdlet.ImplementingType.GetProperty($parameter.Name).DeclaringType.FullName
        $propertyDoc = $members["P:$declaringType.$($parameter.Name)"]
        $parameterDocs[$parameter.Name] = if ($propertyDoc) { Get-PlainText $propertyDoc.summary } else { '' }
    }

    $writer.WriteStartElement('syntax', $command)
    foreach ($set in $cmdlet.ParameterSets) {
        $writer.WriteStartElement('syntaxItem', $command)
        $writer.WriteElementString('name', $maml, $cmdlet.Name)
        foreach ($parameter in $set.Parameters | Where-Object { $commonParameters -notcontains $_.Name }) {
            $writer.WriteStartElement('parameter', $command)
            $writer.WriteAttributeString('required', $parameter.IsMandatory.ToString().ToLowerInvariant())
            $writer.WriteAttributeString('position', $(if ($parameter.Position -ge 0) { $parameter.Position + 1 } else { 'named' }))
            $writer.WriteElementString('name', $maml, $parameter.Name)
            if ($parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $writer.WriteElementString('parameterValue', $command, (Format-TypeName $parameter.ParameterType))
            }

            $writer.WriteEndElement()
        }

        $writer.WriteEndElement()
    }

    $writer.WriteEndElement()

    # Defaults are read from a fresh instance of the cmdlet, so the help cannot drift from the code.
    $defaults = [Activator]::CreateInstance($cmdlet.ImplementingType)

    $writer.WriteStartElement('parameters', $command)
    foreach ($parameter in $cmdlet.Parameters.Values | Where-Object { $commonParameters -notcontains $_.Name } | Sort-Object Name) {
        $attribute = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })[0]
        $writer.WriteStartElement('parameter', $command)
        $writer.WriteAttributeString('required', $attribute.Mandatory.ToString().ToLowerInvariant())
        $writer.WriteAttributeString('globbing', 'false')
        $writer.WriteAttributeString('pipelineInput', (Get-PipelineText $attribute))
        $writer.WriteAttributeString('position', (Get-PositionText $attribute))
        $writer.WriteAttributeString('aliases', $(if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }))
        $writer.WriteElementString('name', $maml, $parameter.Name)
        Write-Description @($parameterDocs[$parameter.Name])
        if ($parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
            $writer.WriteElementString('parameterValue', $command, (Format-TypeName $parameter.ParameterType))
        }

        $writer.WriteStartElement('type', $dev)
        $writer.WriteElementString('name', $maml, (Format-TypeName $parameter.ParameterType))
        $writer.WriteEndElement()
        $default = Get-DefaultText $defaults $parameter
        if ($default) { $writer.WriteElementString('defaultValue', $dev, $default) }
        $writer.WriteEndElement()
    }

    $writer.WriteEndElement()

    $writer.WriteStartElement('returnValues', $command)
    foreach ($outputType in $cmdlet.OutputType) {
        $writer.WriteStartElement('returnValue', $command)
        $writer.WriteStartElement('type', $dev)
        $writer.WriteElementString('name', $maml, $outputType.Name)
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }

    $writer.WriteEndElement()

    $writer.WriteStartElement('examples', $command)
    $number = 0
    foreach ($example in @(if ($classDoc) { $classDoc.SelectNodes('example') })) {
        $number++
        $writer.WriteStartElement('example', $command)
        $writer.WriteElementString('title', $maml, "-------------------------- Example $number --------------------------")
        $writer.WriteElementString('code', $dev, ($example.code.Trim()))
        $writer.WriteStartElement('remarks', $dev)
        foreach ($para in @($example.SelectNodes('para'))) { Write-Para (Get-PlainText $para) }
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }

    $writer.WriteEndElement()
    $writer.WriteEndElement()
}

$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Flush()
$writer.Dispose()
