module Main (main) where

import Data.Aeson (encode)
import qualified Data.ByteString.Lazy.Char8 as BL

main :: IO ()
main = BL.putStrLn (encode [1 :: Int, 2, 3])
