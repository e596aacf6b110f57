<#
.SYNOPSIS
    Runs the Pester tests in this (fresh) pwsh and writes their counts as JSON for build.ps1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultFile,
    [string] $Filter
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultFile, '.nunit.xml')
if ($Filter) {
    $configuration.Run.Path = @(Get-ChildItem $TestPath -Filter "*$Filter*.Tests.ps1" | ForEach-Object FullName)
}

$result = Invoke-Pester -Configuration $configuration
$counts = @{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
}
$counts | ConvertTo-Json | Set-Content -Path $ResultFile
