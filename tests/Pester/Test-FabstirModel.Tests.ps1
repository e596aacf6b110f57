BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:parameters = Get-TestChainParameters $script:chain
    $script:folder = New-TestHome
    # A real GGUF file, and a model in the registry with its real hash.
    $script:file = Join-Path $script:folder 'local-test.Q4_K_M.gguf'
    $bytes = [byte[]]::new(2MB)
    [Random]::new(7).NextBytes($bytes)
    [byte[]](0x47, 0x47, 0x55, 0x46) | ForEach-Object -Begin { $i = 0 } -Process { $bytes[$i++] = $_ }
    [IO.File]::WriteAllBytes($script:file, $bytes)
    $hash = '0x' + (Get-FileHash $script:file -Algorithm SHA256).Hash.ToLowerInvariant()
    Invoke-TestCast $script:chain $script:chain.DeployerAddress $script:chain.ModelRegistry 'addTrustedModel(string,string,bytes32)' 'Test/Local-GGUF' 'local-test.Q4_K_M.gguf' $hash
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
    Remove-Item $script:folder -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Test-FabstirModel' {
    It 'answers $true for a GGUF file whose hash matches the registry, found by its name' {
        Test-FabstirModel -Path $script:file @parameters | Should -BeTrue
    }

    It 'gives the details with -Detailed' {
        $result = Test-FabstirModel -Path $script:file -Detailed @parameters

        $result.GetType().Name | Should -Be 'FabstirModelTest'
        $result.Model | Should -Be 'Test/Local-GGUF:local-test.Q4_K_M.gguf'
        $result.ActualSha256 | Should -Be $result.ExpectedSha256
        $result.Passed | Should -BeTrue
    }

    It 'answers $false, with the reason in Verbose, for another model''s hash' {
        $verbose = Test-FabstirModel -Path $script:file -Model $script:chain.ApprovedModels[0] @parameters -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [bool] }) | Should -BeFalse
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'differs'
    }

    It 'answers $false for a file that is not GGUF' {
        $other = Join-Path $script:folder 'notes.gguf'
        Set-Content $other 'not a model'

        Test-FabstirModel -Path $other -Model $script:chain.ApprovedModels[0] @parameters | Should -BeFalse
    }

    It 'takes files from the pipeline' {
        (Get-Item $script:file | Test-FabstirModel @parameters) | Should -BeTrue
    }

    It 'reports a folder given as the model path, as Start-FabstirNode does' {
        $refusal = { Test-FabstirModel -Path $script:folder @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelFileNotFound,FabstirHost.Commands.TestFabstirModelCommand' -PassThru
        $refusal.Exception.Message | Should -Match ([regex]::Escape("The model path '$script:folder' is a folder, not a file"))
        $refusal.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a missing file' {
        { Test-FabstirModel -Path (Join-Path $script:folder 'none.gguf') @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelFileNotFound,FabstirHost.Commands.TestFabstirModelCommand'
    }
}
