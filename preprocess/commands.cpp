// placeholder until the preprocess commands land
