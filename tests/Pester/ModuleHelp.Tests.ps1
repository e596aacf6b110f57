BeforeDiscovery {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    $script:cmdlets = @(Get-Command -Module FabstirHost -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters +
        [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'The module' {
    It 'imports by name from PSModulePath' {
        $modulesFolder = Split-Path (Split-Path $env:FABSTIR_TEST_MODULE)
        $env:PSModulePath -split [IO.Path]::PathSeparator | Should -Contain $modulesFolder
        (Get-Module FabstirHost -ListAvailable).Count | Should -BeGreaterThan 0
    }

    It 'shows parameter defaults as the code sets them' {
        (Get-Help Get-FabstirNodeLog -Parameter Tail).defaultValue | Should -Be '100'
        (Get-Help Start-FabstirNode -Parameter ReadyTimeoutSec).defaultValue | Should -Be '600'
    }

    It 'has an about topic' {
        Get-Help about_FabstirHost | Out-String | Should -Match 'FABSTIR_HOME'
    }
}

Describe 'Help and metadata of <Name>' -ForEach $script:cmdlets {
    BeforeAll {
        $script:command = Get-Command $Name
        $script:help = Get-Help $Name -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + '\s*\[')
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }

    It 'describes every parameter' {
        foreach ($parameter in $command.Parameters.Values | Where-Object { $common -notcontains $_.Name }) {
            $text = ($help.Parameters.Parameter | Where-Object Name -eq $parameter.Name).Description | Out-String
            $text.Trim() | Should -Not -BeNullOrEmpty -Because "parameter -$($parameter.Name) needs a description"
        }
    }

    It 'declares its output type' {
        $command.OutputType.Count | Should -BeGreaterThan 0
    }

    It 'supports ShouldProcess when its verb changes state' {
        $changing = 'Start', 'Stop', 'Restart', 'Register', 'Unregister', 'Set', 'Clear', 'Add', 'Receive', 'New', 'Import', 'Install', 'Uninstall'
        if ($command.Verb -in $changing) {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
        }
    }
}
