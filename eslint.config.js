import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'bench/.work/**', 'coverage/**', '.demo/**', '.demo-incremental/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly', performance: 'readonly' }
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] }
  },
  {
    // The batch builder runs inside the Nix build and the CLI, where the Action's stages (and their
    // toolkit dependencies) do not exist: it may use src/common/, never src/action/.
    files: ['src/builder/**/*.ts', 'src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/action/**', '@actions/*'], message: 'the batch builder must not import Action code' }
          ]
        }
      ]
    }
  }
)
