<#
.SYNOPSIS
    The main job on an embedded default: imports the module and shows what it offers.
#>
param(
    [string] $StandInPath,
    [string] $AnvilPath,
    [string] $ContractsPath
)

$ErrorActionPreference = 'Stop'
Import-Module FabstirHost
Get-Command -Module FabstirHost | Sort-Object Noun, Verb | Format-Table Name, CommandType -AutoSize
