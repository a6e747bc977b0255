"""The company's knowledge: content files, their parsing, embedding, the vector store and retrieval."""
