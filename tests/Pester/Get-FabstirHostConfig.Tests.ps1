BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHome.ps1')
}

Describe 'Get-FabstirHostConfig' {
    BeforeEach {
        $script:testHome = New-TestHome
        $env:FABSTIR_HOME = $script:testHome
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
    }

    It 'returns nothing when no configuration was saved' {
        Get-FabstirHostConfig | Should -BeNullOrEmpty
    }

    It 'returns the typed configuration' {
        Set-Content (Join-Path $script:testHome 'config.json') '{"apiPort": 8123, "publicUrl": "https://h.example:8443"}'
        $config = Get-FabstirHostConfig
        $config.GetType().Name | Should -Be 'HostConfig'
        $config.ApiPort | Should -Be 8123
    }

    It 'reports a damaged file with a stable error id and leaves it in place' {
        $file = Join-Path $script:testHome 'config.json'
        Set-Content $file '{ broken'
        { Get-FabstirHostConfig -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigFileDamaged,FabstirHost.Commands.GetFabstirHostConfigCommand'
        Get-Content $file -Raw | Should -Match 'broken'
    }

    It 'reads a relative FABSTIR_HOME against the current PowerShell location' {
        Set-Content (Join-Path $script:testHome 'config.json') '{"apiPort": 8124}'
        Push-Location (Split-Path $script:testHome -Parent)
        try {
            $env:FABSTIR_HOME = Split-Path $script:testHome -Leaf
            (Get-FabstirHostConfig).ApiPort | Should -Be 8124
        }
        finally {
            Pop-Location
            $env:FABSTIR_HOME = $script:testHome
        }
    }
}
